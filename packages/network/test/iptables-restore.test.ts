/**
 * Real kernel: the model's kube-proxy payload loaded by the real iptables-restore (nft and legacy)
 * in a network namespace this suite creates; iptables-save must read back the same rules (modulo
 * iptables-save's own formatting: option order, "/32", quoting). Then real TCP connections to the
 * Service IP from the node namespace: the DNAT destination the kernel chose must be one the model
 * offers, and the model's walk must reach the same endpoint chain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conntrack, k3sProxierConfig, buildRuleset, jumpRules, mulberry32, Proxier, sepChain, tokenize, walkPacket, type EndpointSlice, type Service } from '../src/index';
import { deleteNamespaces, kernelSkipReason, nsExec, PREFIX, sh } from './kernel-env';

const skip = kernelSkipReason(['ip', 'iptables-nft-restore', 'iptables-legacy-restore', 'iptables-nft-save', 'iptables-legacy-save']);
const NODE = `${PREFIX}-ipt`;
const POD = `${PREFIX}-iptpod`;
const made: string[] = [];
const procs: ChildProcess[] = [];

const web: Service = { metadata: { namespace: 'default', name: 'web' }, spec: { type: 'NodePort', clusterIP: '10.43.0.50', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }] } };
const lonely: Service = { metadata: { namespace: 'default', name: 'lonely' }, spec: { clusterIP: '10.43.0.51', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } };
const aff: Service = { metadata: { namespace: 'default', name: 'sticky' }, spec: { type: 'LoadBalancer', clusterIP: '10.43.0.52', externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, loadBalancerSourceRanges: ['10.0.0.0/8'], sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30081 }] }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } };
const slices: EndpointSlice[] = [
  { metadata: { namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, endpoints: ['10.42.1.10', '10.42.1.11', '10.42.1.12'].map((a) => ({ addresses: [a], nodeName: 'k3s-worker-1' })), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
  { metadata: { namespace: 'default', labels: { 'kubernetes.io/service-name': 'sticky' } }, endpoints: [{ addresses: ['10.42.1.20'], nodeName: 'k3s-worker-1' }, { addresses: ['10.42.2.20'], nodeName: 'k3s-worker-2' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
];

/** A rule as a canonical token list: drop -m <proto> duplicates' order, /32 suffixes, quotes. */
/**
 * The translations iptables-save applies to what was restored (MARK's short forms, recent's defaults,
 * the probability as the kernel stores it: lround(p * 2^31), printed with %.11f).
 */
function saveForm(rule: string): string {
  return rule
    .replace(/--xor-mark (0x[0-9a-f]+)/, '--set-xmark $1/0x0')
    .replace(/--or-mark (0x[0-9a-f]+)/, '--set-xmark $1/$1')
    .replace(/(--name \S+ --(?:rcheck|set))/, '$1 --mask 255.255.255.255 --rsource')
    .replace(/--probability ([0-9.]+)/, (_m, p: string) => `--probability ${(Math.round(Number(p) * 0x80000000) / 0x80000000).toFixed(11)}`);
}

function canon(rule: string): string {
  // iptables-save prints REJECT's default --reject-with and host addresses as /32
  const t = tokenize(rule.replace(' --reject-with icmp-port-unreachable', '')).map((x) => x.replace(/\/32$/, '').replace(/0x0*([0-9a-f]+)/g, '0x$1'));
  return [...t].sort().join(' ');
}

function savedRules(save: string, table: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) cur = line.slice(1);
    if (cur !== table || !line.startsWith('-A ')) continue;
    const chain = line.split(' ')[1]!;
    if (!chain.startsWith('KUBE-')) continue;
    (out.get(chain) ?? out.set(chain, []).get(chain)!).push(canon(line.slice(`-A ${chain} `.length)));
  }
  return out;
}

describe.skipIf(skip !== null)('real iptables-restore / iptables-save', () => {
  const text = new Proxier(k3sProxierConfig('k3s-worker-1', '10.89.97.202')).sync([web, lonely, aff], slices).text;
  const model = buildRuleset(text);

  beforeAll(() => {
    deleteNamespaces([NODE, POD]);
    sh('ip', ['netns', 'add', NODE]);
    made.push(NODE);
    sh('ip', ['netns', 'add', POD]);
    made.push(POD);
  });
  afterAll(() => {
    for (const p of procs) if (p.pid) try { process.kill(p.pid); } catch { /* gone */ }
    deleteNamespaces(made);
  });

  for (const flavour of ['nft', 'legacy'] as const) {
    it(`iptables-${flavour}-restore accepts the payload and iptables-save reads back the same rules`, () => {
      nsExec(NODE, `iptables-${flavour}-restore`, ['--noflush', '--counters'], text);
      const save = nsExec(NODE, `iptables-${flavour}-save`, []);
      for (const table of ['filter', 'nat']) {
        const got = savedRules(save, table);
        const want = new Map<string, string[]>();
        for (const [chain, rules] of Object.entries(model.tables[table] ?? {})) if (rules.length) want.set(chain, rules.map((r) => canon(saveForm(r))));
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [chain, rules] of want) expect(got.get(chain), `${table}/${chain}`).toEqual(rules);
      }
      expect(save).toContain('--mark 0x4000/0x4000'); // iptables-save prints the kernel value without padding
      // a second restore of the same payload (kube-proxy's next full sync) is accepted too
      nsExec(NODE, `iptables-${flavour}-restore`, ['--noflush', '--counters'], text);
      if (flavour === 'nft') {
        // leave the nft rules loaded for the connection test below; clear legacy's view first
      } else {
        nsExec(NODE, 'iptables-legacy-restore', [], '*filter\nCOMMIT\n*nat\nCOMMIT\n');
      }
    });
  }

  it('real connections to the Service IP are DNATed to endpoints the model offers, via the chains the model walks', async () => {
    // veth node <-> pod; the pod namespace holds the three web endpoints and a TCP server on :8080
    sh('ip', ['link', 'add', `${PREFIX}-a`.slice(0, 15), 'netns', NODE, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', POD]);
    const a = `${PREFIX}-a`.slice(0, 15);
    nsExec(NODE, 'ip', ['addr', 'add', '10.42.1.1/24', 'dev', a]);
    nsExec(NODE, 'ip', ['link', 'set', a, 'up']);
    nsExec(NODE, 'ip', ['link', 'set', 'lo', 'up']);
    nsExec(NODE, 'ip', ['route', 'add', '10.43.0.0/16', 'dev', a]);
    for (const ip of ['10.42.1.10', '10.42.1.11', '10.42.1.12']) nsExec(POD, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    nsExec(POD, 'ip', ['link', 'set', 'eth0', 'up']);
    nsExec(POD, 'ip', ['link', 'set', 'lo', 'up']);
    // built-in chain jumps, as kube-proxy ensures them
    for (const j of jumpRules().filter((r) => r.table === 'nat')) nsExec(NODE, 'iptables-nft', ['-t', 'nat', '-I', j.chain, '1', ...tokenize(j.rule)]);
    const server = spawn('ip', ['netns', 'exec', POD, process.execPath, '-e', "require('net').createServer(s=>{s.end(s.localAddress+'\\n')}).listen(8080,'0.0.0.0',()=>console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(server);
    await new Promise<void>((res, rej) => {
      server.stdout!.once('data', () => res());
      server.once('exit', (c) => rej(new Error(`server exited ${c}`)));
    });
    const client = `const net=require('net');let n=0,out=[];const go=()=>{const c=net.connect(80,'10.43.0.50');let b='';c.on('data',d=>b+=d);c.on('end',()=>{out.push(b.trim());if(++n<24)go();else console.log(JSON.stringify(out))});c.on('error',e=>{console.error(e.message);process.exit(1)})};go();`;
    const seen: string[] = JSON.parse(nsExec(NODE, process.execPath, ['-e', client]));
    const offered = new Set(['10.42.1.10', '10.42.1.11', '10.42.1.12']);
    for (const s of seen) expect(offered.has(s)).toBe(true);
    // with 24 connections at 1/3 each, seeing only one endpoint has probability 3 * (1/3)^24
    expect(new Set(seen).size).toBeGreaterThan(1);
    // the model's walk for the same packet reaches a KUBE-SEP chain of one of these endpoints
    const ctx = { localAddresses: ['10.42.1.1', '127.0.0.1'], rng: mulberry32(5), conntrack: new Conntrack() };
    const rs = buildRuleset(text, jumpRules().filter((r) => r.table === 'nat').map((r) => ({ ...r, position: 'prepend' as const })));
    const w = walkPacket(rs, { src: '10.42.1.1', srcPort: 45000, dst: '10.43.0.50', dstPort: 80, proto: 'tcp' }, ['OUTPUT'], ctx);
    const sepChains = ['10.42.1.10', '10.42.1.11', '10.42.1.12'].map((ip) => sepChain('default/web:http', 'tcp', `${ip}:8080`));
    expect(sepChains).toContain(w.hits.find((h) => h.chain.startsWith('KUBE-SEP-'))!.chain);
    // the kernel's counters confirm the same chains were traversed
    const counters = nsExec(NODE, 'iptables-nft', ['-t', 'nat', '-L', 'KUBE-SERVICES', '-v', '-n', '-x']);
    expect(counters).toMatch(/\n\s+24\s+\d+\s+KUBE-SVC-/);
  });
});
