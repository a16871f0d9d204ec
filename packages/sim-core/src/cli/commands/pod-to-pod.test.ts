/**
 * `lab flow pod-to-pod`: the seed's Example 3 as thirteen steps with the seed's numbering, rules and
 * bytes attached; the trace hash (same seed ⇒ same hash, and it is the SHA-256 of the --trace file);
 * the --pcap file as tshark reads it (skipped outside CI without tshark, a failure in CI).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../../..', import.meta.url));
const tsx = join(repo, 'node_modules', '.bin', 'tsx');
const main = join(repo, 'packages/sim-core/src/cli/main.ts');
const lab = (...args: string[]) => {
  const r = spawnSync(tsx, [main, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-p2p-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Step { step: number; title: string; component: string; node: string; atMs: number; rules?: { table: string; chain: string; index: number; rule: string }[]; bytes?: { frame?: string; inner?: string }; seeded?: Record<string, number>; dnat?: string }
const run = (seed: number, ...extra: string[]) => {
  const r = lab('flow', 'pod-to-pod', '--seed', String(seed), '-o', 'json', ...extra);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { flow: string; seed: number; steps: Step[]; traceHash: string; pcap: { frames: number } };
};

const pcapFile = join(tmp, 'p2p.pcap');
const traceFile = join(tmp, 'p2p.jsonl');
const a = run(5, '--pcap', pcapFile, '--trace', traceFile);

describe('lab flow pod-to-pod', () => {
  it("prints the seed's thirteen steps, numbered as the seed numbers them, with component and time", () => {
    expect(a.flow).toBe('pod-to-pod');
    expect(a.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    for (const s of a.steps) {
      expect(s.title).toBeTruthy();
      expect(s.component).toBeTruthy();
      expect(typeof s.atMs).toBe('number');
    }
    expect(a.steps.map((s) => s.atMs)).toEqual([...a.steps.map((s) => s.atMs)].sort((x, y) => x - y));
  });

  it('attaches the real kube-proxy rules and the DNAT to the interception and load-balancing steps', () => {
    const s4 = a.steps[3]!;
    expect(s4.rules!.map((h) => h.chain)).toEqual(['PREROUTING', 'KUBE-SERVICES']);
    expect(s4.rules![1]!.rule).toContain('"default/api:http cluster IP" -m tcp -p tcp -d 10.43.38.112 --dport 80 -j KUBE-SVC-KKDGWRPDK6Z5NCHS');
    const s5 = a.steps[4]!;
    expect(s5.dnat).toBe('10.42.2.8:8080');
    expect(s5.rules!.some((h) => h.rule.includes('-j DNAT --to-destination 10.42.2.8:8080'))).toBe(true);
    expect(a.steps[1]!.rules!.some((h) => h.chain === 'KUBE-SVC-TCOU7JCQXEZGVUNU')).toBe(true);
  });

  it('attaches the frame bytes where a step puts one on a wire: the DNS query, pod veth, VXLAN on the underlay, at the api pod', () => {
    for (const i of [2, 3, 7, 8, 12, 13]) expect(a.steps[i - 1]!.bytes?.frame, `step ${i}`).toMatch(/^([0-9a-f]{2})+$/);
    expect(a.steps[6]!.bytes!.inner).toMatch(/^([0-9a-f]{2})+$/);
    const underlay = Buffer.from(a.steps[7]!.bytes!.frame!, 'hex');
    expect(underlay.readUInt16BE(12)).toBe(0x0800); // IPv4
    expect([...underlay.subarray(26, 34)].join('.')).toBe('10.89.97.202.10.89.97.203');
    expect(underlay.readUInt16BE(36)).toBe(8472); // UDP destination: flannel's VXLAN port
    expect(underlay.readUInt32BE(46) >>> 8).toBe(1); // VNI 1
  });

  it('same seed ⇒ same trace hash; another seed changes the seeded fields and the hash', () => {
    const again = run(5);
    expect(again.traceHash).toBe(a.traceHash);
    expect(again.steps).toEqual(a.steps);
    const other = run(6);
    expect(other.traceHash).not.toBe(a.traceHash);
    expect(other.steps[2]!.seeded).not.toEqual(a.steps[2]!.seeded);
    expect(other.steps.map((s) => s.title)).toEqual(a.steps.map((s) => s.title).map((t, i) => (i === 12 ? other.steps[12]!.title : t)));
  });

  it('the trace hash is the SHA-256 of the --trace file (the same scheme as every flow)', () => {
    expect(a.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(createHash('sha256').update(readFileSync(traceFile)).digest('hex')).toBe(a.traceHash);
    expect(readFileSync(traceFile, 'utf8').trim().split('\n')).toHaveLength(13);
  });

  it('text output lists the steps and the hash', () => {
    const r = lab('flow', 'pod-to-pod', '--seed', '5');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(' 8. over the node network 10.89.97.202 → 10.89.97.203');
    expect(r.stdout).toContain(`traceHash ${a.traceHash}`);
  });

  it('errors name the flag, exit code 2', () => {
    const r = lab('flow', 'pod-to-pod', '--scenario', 'tower-fleet-fresh');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--scenario');
  });
});

const tsharkMissing = spawnSync('sh', ['-c', 'command -v tshark']).status !== 0;
if (tsharkMissing && process.env.CI === 'true') throw new Error('tshark is required in CI for the pod-to-pod pcap test');
if (tsharkMissing) console.log('skipping the tshark check of the pod-to-pod pcap: tshark not installed');

describe.skipIf(tsharkMissing)('the --pcap file in tshark', () => {
  it('opens; the underlay frames dissect as VXLAN with the inner frame, checksums good', () => {
    expect(a.pcap.frames).toBe(5);
    const r = spawnSync('tshark', ['-n', '-r', pcapFile, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-d', 'udp.port==8472,vxlan', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.protocols', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'vxlan.vni', '-e', 'ip.checksum.status', '-e', 'tcp.dstport', '-e', 'udp.checksum.status', '-e', 'tcp.checksum.status'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: tmp } });
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('|'));
    expect(rows).toHaveLength(5);
    expect(rows[0]![0]).toBe('eth:ethertype:ip:udp:dns');
    expect(rows[0]!.slice(1, 3)).toEqual(['10.42.1.5', '10.43.0.10']);
    rows.shift();
    expect(rows[0]![0]).toBe('eth:ethertype:ip:tcp');
    expect(rows[0]!.slice(1, 3)).toEqual(['10.42.1.5', '10.43.38.112']);
    expect(rows[1]![0]).toBe('eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp');
    expect(rows[1]![1]).toBe('10.89.97.202,10.42.1.5');
    expect(rows[1]![2]).toBe('10.89.97.203,10.42.2.8');
    expect(rows[1]![3]).toBe('1');
    // checksum status 1 = "Good" (tshark's PROTO_CHECKSUM_E_GOOD): outer and inner IPv4, outer UDP, inner TCP
    expect(rows[1]![4]).toBe('1,1');
    expect(rows[1]![5]).toBe('8080');
    expect(rows[1]![6]).toBe('1');
    expect(rows[1]![7]).toBe('1');
    for (const row of rows) expect(row[4]!.split(',').every((x) => x === '1')).toBe(true);
    expect(rows[2]![0]).toBe('eth:ethertype:ip:tcp');
    expect(rows[3]![0]).toBe('eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp');
    expect(rows[3]![1]).toBe('10.89.97.203,10.42.2.8');
  });
});
