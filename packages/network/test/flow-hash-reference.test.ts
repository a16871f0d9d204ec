/**
 * The model's flow hash against an independent C reference (fixtures/flow-hash-ref.c): struct
 * flow_keys declared as the kernel declares it and laid out by the C compiler, filled and hashed as
 * __flow_hash_from_keys does. 600 seeded cases (random keys; UDP, TCP, ICMP, fragments, ARP) must
 * give the same hashed bytes and the same u32. Needs a C compiler (`cc`, Debian `gcc`); without
 * one the suite is skipped with a message, except under CI=true, where .ci/run installs gcc and a
 * missing compiler fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { flowHashFromKeys, flowHashInput, flowKeysIPv4, flowKeysNoAddrs, mulberry32, seededHashrnd, toHex, type FlowTuple } from '../src/index';
import { have } from './kernel-env';

const hasCc = have('cc');
if (!hasCc) console.log('skipping the C reference comparison of the flow hash: no C compiler (cc)');
if (!hasCc && process.env.CI === 'true') {
  describe('flow hash C reference', () => {
    it('needs a C compiler under CI', () => {
      expect.fail('CI=true but no C compiler (cc): .ci/run installs gcc');
    });
  });
}
const source = fileURLToPath(new URL('./fixtures/flow-hash-ref.c', import.meta.url));
let dir = '';

describe.skipIf(!hasCc)('flow hash: the model equals a C reference laid out by the compiler', () => {
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('600 seeded flows and keys: same hashed bytes, same hash', () => {
    dir = mkdtempSync(join(tmpdir(), 'kl-flowref-'));
    const bin = join(dir, 'flow-hash-ref');
    const cc = spawnSync('cc', ['-O2', '-Wall', '-Werror', '-o', bin, source], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const rng = mulberry32(2024);
    const ip = () => `${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}`;
    const cases: { key: Uint8Array; flow: FlowTuple | null; line: string }[] = [];
    for (let i = 0; i < 600; i++) {
      const key = seededHashrnd(rng);
      const kind = rng.int(0, 9);
      if (kind === 0) {
        cases.push({ key, flow: null, line: `${toHex(key)} 2054 0 0.0.0.0 0.0.0.0 0 0 0` });
        continue;
      }
      const proto = kind === 1 ? 1 : kind <= 5 ? 17 : 6;
      const fragment = kind === 9;
      const flow: FlowTuple = { src: ip(), dst: ip(), proto, sport: rng.int(0, 65535), dport: rng.int(0, 65535), fragment };
      // the reference takes the ports the dissector keeps: none for ICMP and fragments
      const ports = proto === 1 || fragment ? '0 0' : `${flow.sport} ${flow.dport}`;
      cases.push({ key, flow, line: `${toHex(key)} 2048 2 ${flow.src} ${flow.dst} ${proto} ${ports}` });
    }
    const run = spawnSync(bin, [], { input: cases.map((c) => c.line).join('\n') + '\n', encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout.trim().split('\n');
    expect(out.length).toBe(cases.length);
    cases.forEach((c, i) => {
      const keys = c.flow ? flowKeysIPv4(c.flow) : flowKeysNoAddrs(0x0806);
      const [hash, bytes] = out[i]!.split(' ');
      expect(toHex(flowHashInput(keys)), c.line).toBe(bytes);
      expect(flowHashFromKeys(keys, c.key), c.line).toBe(Number(hash));
    });
  });
});
