/**
 * `lab proxy-rules`, `lab packet-walk`, `lab vxlan`: output shapes, determinism for a seed, and
 * errors that name the flag/field with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

const tmp = mkdtempSync(join(tmpdir(), 'kubelab-net-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const objects = join(tmp, 'objects.yaml');
writeFileSync(objects, `apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec:
  clusterIP: 10.43.38.112
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: api-x, namespace: default, labels: {kubernetes.io/service-name: api}}
addressType: IPv4
endpoints:
- {addresses: [10.42.2.8], nodeName: k3s-worker-2}
- {addresses: [10.42.1.9], nodeName: k3s-worker-1}
ports: [{name: http, port: 8080, protocol: TCP}]
`);
const changed = join(tmp, 'changed.yaml');
writeFileSync(changed, `kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: api, namespace: default}
  spec: {clusterIP: 10.43.38.112, ports: [{name: http, port: 80, protocol: TCP}]}
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: api-x, namespace: default, labels: {kubernetes.io/service-name: api}}
  endpoints: [{addresses: [10.42.2.8]}]
  ports: [{name: http, port: 8080, protocol: TCP}]
`);

describe('lab proxy-rules', () => {
  it('prints the restore payload, and a sync sequence with full/partial headers', () => {
    const r = lab('proxy-rules', '-f', objects);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\*filter\n/);
    expect(r.stdout).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n');
    expect(r.stdout).toContain('--probability 0.5000000000');
    const s = lab('proxy-rules', '-f', objects, '--sync-sequence', changed, '--masquerade-mark', '0x4000');
    expect(s.stdout).toMatch(/^# sync 1 full\n\*filter/);
    expect(s.stdout).toContain('# sync 2 partial\n');
    expect(s.stdout).toMatch(/-X KUBE-SEP-/);
  });
  it('bad input: exit 2 and the field named', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'kind: Service\nmetadata: {name: x}\nspec: {clusterIP: 10.43.0.300}\n');
    const r = lab('proxy-rules', '-f', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('spec.clusterIP: Invalid value: "10.43.0.300"');
    expect(lab('proxy-rules', '-f', join(tmp, 'nope.yaml')).stderr).toContain('-f: cannot read');
    expect(lab('proxy-rules', '-f', objects, '--cluster-cidr', '10.42.0.1/16').stderr).toContain('--cluster-cidr: Invalid value: "10.42.0.1/16"');
  });
});

describe('lab packet-walk', () => {
  it('reports hits and the DNAT destination, deterministic for a seed', () => {
    const a = lab('packet-walk', '-f', objects, '--src', '10.42.1.5:40000', '--dst', '10.43.38.112:80/tcp', '--seed', '4', '-o', 'json');
    expect(a.code).toBe(0);
    const j = JSON.parse(a.stdout);
    expect(j.hits[0]).toMatchObject({ table: 'nat', chain: 'PREROUTING' });
    expect(['10.42.2.8:8080', '10.42.1.9:8080']).toContain(j.dnat);
    expect(lab('packet-walk', '-f', objects, '--src', '10.42.1.5:40000', '--dst', '10.43.38.112:80/tcp', '--seed', '4', '-o', 'json').stdout).toBe(a.stdout);
    const bad = lab('packet-walk', '-f', objects, '--src', '10.42.1.5', '--dst', '10.43.38.112');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--dst: Invalid value: "10.43.38.112"');
  });
});

describe('lab vxlan', () => {
  it('encap prints the outer frame in hex; decap returns the inner frame', () => {
    const inner = '2e6b1a0000cb2e6b1a0000ca0800' + '45000014000040004011' + '0000' + '0a2a01050a2a0208';
    const e = lab('vxlan', 'encap', '--vni', '1', '--src-vtep', '10.89.97.202', '--dst-vtep', '10.89.97.203', '--src-mac', '52:54:00:61:97:ca', '--dst-mac', '52:54:00:61:97:cb', '--inner', inner, '--udp-src-port', '40029', '--ip-id', '21091', '-o', 'hex');
    expect(e.code).toBe(0);
    const hex = e.stdout.trim();
    expect(hex.slice(0, 28)).toBe('5254006197cb5254006197ca0800');
    expect(hex.slice(84, 100)).toBe('0800000000000100');
    const d = lab('vxlan', 'decap', '--frame', hex, '-o', 'json');
    expect(JSON.parse(d.stdout)).toMatchObject({ vni: 1, inner, outer: { srcPort: 40029, dstPort: 8472, id: 21091, ttl: 64 } });
    const bad = lab('vxlan', 'encap', '--src-vtep', '10.89.97.202', '--dst-vtep', '10.89.97.203', '--src-mac', 'zz', '--dst-mac', '52:54:00:61:97:cb', '--inner', inner);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--src-mac: Invalid value: "zz"');
  });

  it("without --udp-src-port the port is the kernel's flow hash of the inner frame: a reply's frame gets the same port, another flow another", () => {
    // Inner UDP datagrams 10.42.1.5:40000 → 10.42.2.8:53 and back (IPv4 header checksum left 0: the dissector ignores it).
    const udp = (src: string, dst: string, sport: number, dport: number) => '2e6b1a0000cb2e6b1a0000ca0800' + '4500001c00004000401100' + '00' + src + dst + sport.toString(16).padStart(4, '0') + dport.toString(16).padStart(4, '0') + '00080000';
    const port = (inner: string, seed = '1') => {
      const r = lab('vxlan', 'encap', '--src-vtep', '10.89.97.202', '--dst-vtep', '10.89.97.203', '--src-mac', '52:54:00:61:97:ca', '--dst-mac', '52:54:00:61:97:cb', '--inner', inner, '--seed', seed, '-o', 'json');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).udpSrcPort as number;
    };
    const fwd = port(udp('0a2a0105', '0a2a0208', 40000, 53));
    expect(fwd).toBeGreaterThanOrEqual(32768);
    expect(fwd).toBeLessThan(61000);
    expect(port(udp('0a2a0208', '0a2a0105', 53, 40000))).toBe(fwd);
    expect(port(udp('0a2a0105', '0a2a0208', 40001, 53))).not.toBe(fwd);
    expect(port(udp('0a2a0105', '0a2a0208', 40000, 53), '2')).not.toBe(fwd);
  });
});
