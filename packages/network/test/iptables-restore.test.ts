/**
 * Real kernel, for both iptables backends (nft and legacy), each in network namespaces this suite
 * creates and removes by name (processes it starts are killed by PID), even when a test fails:
 *
 * 1. The model's kube-proxy payload is accepted by the real iptables-restore --noflush --counters and
 *    iptables-save reads back the same rules (modulo iptables-save's own spelling, see
 *    iptables-save-form.ts).
 * 2. Partial syncs — what `lab proxy-rules --sync-sequence` prints — restored one after the other:
 *    after every sync the real tables equal the model's kernel-table state and equal a fresh full
 *    sync of the same objects; a partial sync whose `-X` hits a chain still referenced fails in the
 *    real restore as in the model, leaves the nat table as it was, and the full resync repairs it.
 * 3. Real TCP connections from the node namespace to ClusterIPs and a NodePort: every DNAT
 *    destination the kernel chose is one the model offers; ClientIP affinity sticks; a Service
 *    without endpoints is REJECTed (ECONNREFUSED) as the model's walk says; and the kernel's per-rule
 *    packet counters of the whole nat table equal, rule for rule, the counts of the model's walks of
 *    the same connections (each walk reaching the endpoint the kernel chose).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRuleset, Conntrack, jumpRules, k3sProxierConfig, KernelTables, mulberry32, Proxier, RestoreError, sepChain, svcChain, tokenize, walkPacket, type EndpointSlice, type Hook, type Ruleset, type Service } from '../src/index';
import { deleteNamespaces, kernelSkipReason, nsExec, PREFIX, sh } from './kernel-env';
import { modelRules, savedCounters, savedRules } from './iptables-save-form';

const FLAVOURS = ['nft', 'legacy'] as const;
type Flavour = (typeof FLAVOURS)[number];
const skip = kernelSkipReason(['ip', ...FLAVOURS.flatMap((f) => [`iptables-${f}`, `iptables-${f}-restore`, `iptables-${f}-save`])]);
const made = new Set<string>();
const procs: ChildProcess[] = [];

afterAll(() => {
  for (const p of procs) if (p.pid && p.exitCode === null) try { process.kill(p.pid); } catch { /* gone */ }
  deleteNamespaces([...made]);
});

function addNamespace(name: string): string {
  deleteNamespaces([name]);
  sh('ip', ['netns', 'add', name]);
  made.add(name);
  nsExec(name, 'ip', ['link', 'set', 'lo', 'up']);
  return name;
}
function removeNamespace(name: string): void {
  deleteNamespaces([name]);
  made.delete(name);
}

const NODE_NAME = 'k3s-worker-1';
const NODE_IP = '10.89.97.202';
const svc = (name: string, spec: Service['spec'], status?: Service['status']): Service => ({ metadata: { namespace: 'default', name }, spec, ...(status ? { status } : {}) });
const slice = (name: string, eps: [string, string][]): EndpointSlice => ({
  metadata: { namespace: 'default', name: `${name}-x`, labels: { 'kubernetes.io/service-name': name } },
  endpoints: eps.map(([ip, node]) => ({ addresses: [ip], nodeName: node })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const web = svc('web', { type: 'NodePort', clusterIP: '10.43.0.50', externalIPs: ['192.0.2.50'], ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }] });
const lonely = svc('lonely', { clusterIP: '10.43.0.51', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
const sticky = svc('sticky', { type: 'LoadBalancer', clusterIP: '10.43.0.52', externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, loadBalancerSourceRanges: ['10.0.0.0/8'], sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30081 }] }, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } });
const api = svc('api', { clusterIP: '10.43.0.53', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
/** internalTrafficPolicy Local with no endpoint on this node: DROP in filter (and a UDP port) */
const local = svc('local', { clusterIP: '10.43.0.54', internalTrafficPolicy: 'Local', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
const localSlice: EndpointSlice = { metadata: { namespace: 'default', name: 'local-x', labels: { 'kubernetes.io/service-name': 'local' } }, endpoints: [{ addresses: ['10.42.2.40'], nodeName: 'k3s-worker-2' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] };
const WEB_EPS = ['10.42.1.10', '10.42.1.11', '10.42.1.12'];
const webSlice = slice('web', WEB_EPS.map((a) => [a, NODE_NAME]));
const stickySlice = slice('sticky', [['10.42.1.20', NODE_NAME], ['10.42.2.20', 'k3s-worker-2']]);
const payload = () => new Proxier(k3sProxierConfig(NODE_NAME, NODE_IP)).sync([web, lonely, sticky, local], [webSlice, stickySlice, localSlice]).text;
/** More than 1000 endpoints: large-cluster mode (no comments on the SVC→SEP and SEP rules). */
function largePayload(): string {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < 120; i++) {
    services.push(svc(`big-${i}`, { clusterIP: `10.43.1.${i + 1}`, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
    slices.push(slice(`big-${i}`, Array.from({ length: 9 }, (_, j): [string, string] => [`10.42.${3 + Math.floor(i / 25)}.${(i % 25) * 10 + j + 1}`, NODE_NAME])));
  }
  const r = new Proxier(k3sProxierConfig(NODE_NAME, NODE_IP)).sync(services, slices);
  expect(r.largeClusterMode).toBe(true);
  return r.text;
}

/** Both tables' KUBE-* chains as the real iptables-save shows them, and as the model holds them. */
function realState(ns: string, f: Flavour) {
  const save = nsExec(ns, `iptables-${f}-save`, []);
  return { filter: Object.fromEntries(savedRules(save, 'filter')), nat: Object.fromEntries(savedRules(save, 'nat')) };
}
function modelState(save: string) {
  return { filter: Object.fromEntries(modelRules(save, 'filter')), nat: Object.fromEntries(modelRules(save, 'nat')) };
}

describe.skipIf(skip !== null)('real iptables-restore / iptables-save', () => {
  for (const f of FLAVOURS) {
    it(`iptables-${f}-restore accepts the payload and iptables-save reads back the same rules`, () => {
      const ns = addNamespace(`${PREFIX}-rb${f[0]}`);
      try {
        const text = payload();
        nsExec(ns, `iptables-${f}-restore`, ['--noflush', '--counters'], text);
        const save = nsExec(ns, `iptables-${f}-save`, []);
        const want = modelState(text);
        expect(Object.keys(realState(ns, f).nat).sort()).toEqual(Object.keys(want.nat).sort());
        expect(realState(ns, f)).toEqual(want);
        expect(save).toContain('--mark 0x4000/0x4000'); // iptables-save prints the kernel value without padding
        // a second restore of the same payload (kube-proxy's next full sync) is accepted too
        nsExec(ns, `iptables-${f}-restore`, ['--noflush', '--counters'], text);
        expect(realState(ns, f)).toEqual(want);
        // large-cluster mode (1,080 endpoints) in a fresh namespace
        const big = largePayload();
        removeNamespace(ns);
        addNamespace(ns);
        nsExec(ns, `iptables-${f}-restore`, ['--noflush', '--counters'], big);
        expect(realState(ns, f)).toEqual(modelState(big));
      } finally {
        removeNamespace(ns);
      }
    });

    it(`iptables-${f}: partial syncs leave the kernel as the model says and as a fresh full sync would; a failed one is repaired by the full resync`, () => {
      const ns = addNamespace(`${PREFIX}-ps${f[0]}`);
      try {
        const proxier = new Proxier(k3sProxierConfig(NODE_NAME, NODE_IP));
        const model = new KernelTables();
        const lonelySlice = slice('lonely', [['10.42.1.40', NODE_NAME]]);
        const apiSlice = slice('api', [['10.42.2.30', 'k3s-worker-2']]);
        const steps: { what: string; services: Service[]; slices: EndpointSlice[]; full: boolean }[] = [
          { what: 'initial', services: [web, lonely, sticky], slices: [webSlice, stickySlice], full: true },
          { what: 'add a service with an endpoint', services: [web, lonely, sticky, api], slices: [webSlice, stickySlice, apiSlice], full: false },
          { what: 'delete a service (its chains are flushed and -X deleted)', services: [lonely, sticky, api], slices: [stickySlice, apiSlice], full: false },
          { what: 'change an endpoint', services: [lonely, sticky, api], slices: [slice('sticky', [['10.42.1.20', NODE_NAME], ['10.42.2.21', 'k3s-worker-2']]), apiSlice], full: false },
          { what: 'no change', services: [lonely, sticky, api], slices: [slice('sticky', [['10.42.1.20', NODE_NAME], ['10.42.2.21', 'k3s-worker-2']]), apiSlice], full: false },
          { what: 'a service without endpoints gets one', services: [lonely, sticky, api], slices: [slice('sticky', [['10.42.1.20', NODE_NAME], ['10.42.2.21', 'k3s-worker-2']]), apiSlice, lonelySlice], full: false },
        ];
        for (const s of steps) {
          const r = proxier.sync(s.services, s.slices);
          expect(r.full, s.what).toBe(s.full);
          nsExec(ns, `iptables-${f}-restore`, ['--noflush', '--counters'], r.text);
          model.restore(r.text);
          const real = realState(ns, f);
          expect(real, s.what).toEqual(modelState(model.save()));
          const fresh = new KernelTables();
          fresh.restore(new Proxier(k3sProxierConfig(NODE_NAME, NODE_IP)).sync(s.services, s.slices).text);
          expect(real, `${s.what}: same as a full sync`).toEqual(modelState(fresh.save()));
        }
        // Upstream's forced failure: a rule in api's chain jumps to lonely's endpoint chain, then lonely
        // is deleted. The partial sync leaves api's chain alone, so its -X of lonely's SEP chain fails.
        const apiSvc = svcChain('default/api:http', 'tcp');
        const lonelySep = sepChain('default/lonely:http', 'tcp', '10.42.1.40:8080');
        nsExec(ns, `iptables-${f}`, ['-t', 'nat', '-A', apiSvc, '-j', lonelySep]);
        model.appendRule('nat', apiSvc, `-j ${lonelySep}`);
        const before = realState(ns, f);
        expect(before).toEqual(modelState(model.save()));
        const last = steps[steps.length - 1]!;
        const objs = { services: last.services.filter((x) => x !== lonely), slices: last.slices.filter((x) => x !== lonelySlice) };
        const bad = proxier.sync(objs.services, objs.slices);
        expect(bad.full).toBe(false);
        expect(bad.text).toContain(`-X ${lonelySep}\n`);
        expect(() => nsExec(ns, `iptables-${f}-restore`, ['--noflush', '--counters'], bad.text)).toThrow();
        expect(() => model.restore(bad.text)).toThrow(RestoreError);
        expect(realState(ns, f).nat).toEqual(before.nat);
        expect(realState(ns, f)).toEqual(modelState(model.save()));
        proxier.restoreFailed();
        // the next sync is full: it rewrites api's chain (dropping the stray jump) and deletes lonely's chains
        const repair = proxier.sync(objs.services, objs.slices);
        expect(repair.full).toBe(true);
        nsExec(ns, `iptables-${f}-restore`, ['--noflush', '--counters'], repair.text);
        model.restore(repair.text);
        const fresh = new KernelTables();
        fresh.restore(new Proxier(k3sProxierConfig(NODE_NAME, NODE_IP)).sync(objs.services, objs.slices).text);
        expect(realState(ns, f)).toEqual(modelState(model.save()));
        expect(realState(ns, f)).toEqual(modelState(fresh.save()));
        expect(Object.keys(realState(ns, f).nat)).not.toContain(lonelySep);
      } finally {
        removeNamespace(ns);
      }
    });

    it(`iptables-${f}: real connections are DNATed as the model says, and the nat counters equal the model's walks rule for rule`, async () => {
      const node = addNamespace(`${PREFIX}-cn${f[0]}`);
      const pod = addNamespace(`${PREFIX}-cp${f[0]}`);
      const veth = `kl${process.pid}${f[0]}`.slice(0, 15);
      const text = payload();
      const jumps = jumpRules();
      try {
        // veth node <-> pod; the pod namespace holds every endpoint address and a TCP server on :8080
        sh('ip', ['link', 'add', veth, 'netns', node, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod]);
        nsExec(node, 'ip', ['addr', 'add', '10.42.1.1/24', 'dev', veth]);
        nsExec(node, 'ip', ['link', 'set', veth, 'up']);
        nsExec(node, 'ip', ['route', 'add', '10.43.0.0/16', 'dev', veth]);
        nsExec(node, 'ip', ['route', 'add', '10.42.2.0/24', 'dev', veth]);
        for (const ip of [...WEB_EPS, '10.42.1.20']) nsExec(pod, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'eth0']);
        nsExec(pod, 'ip', ['addr', 'add', '10.42.2.20/24', 'dev', 'eth0']);
        nsExec(pod, 'ip', ['link', 'set', 'eth0', 'up']);
        nsExec(node, `iptables-${f}-restore`, ['--noflush', '--counters'], text);
        // the jump rules from the built-in chains, as kube-proxy ensures them (each inserted at 1)
        for (const j of jumps) nsExec(node, `iptables-${f}`, ['-t', j.table, '-I', j.chain, '1', ...tokenize(j.rule)]);
        const server = spawn('ip', ['netns', 'exec', pod, process.execPath, '-e', "require('net').createServer(s=>{s.end(s.localAddress+'\\n')}).listen(8080,'0.0.0.0',()=>console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
        procs.push(server);
        await new Promise<void>((res, rej) => {
          server.stdout!.once('data', () => res());
          server.once('exit', (c) => rej(new Error(`server exited ${c}`)));
        });
        const connect = (host: string, port: number, n: number): string[] => {
          const client = `const net=require('net');let n=0,out=[];const go=()=>{const c=net.connect(${port},'${host}');let b='';c.on('data',d=>b+=d);c.on('end',()=>{out.push(b.trim());if(++n<${n})go();else console.log(JSON.stringify(out))});c.on('error',e=>{out.push(e.code);if(++n<${n})go();else console.log(JSON.stringify(out))})};go();`;
          return JSON.parse(nsExec(node, process.execPath, ['-e', client])) as string[];
        };

        // the model: the same payload and jumps; walks of locally generated packets (OUTPUT, POSTROUTING)
        const rs: Ruleset = buildRuleset(text, jumps.map((j) => ({ ...j, position: 'prepend' as const })));
        const local = ['10.42.1.1', '127.0.0.1'];
        const predicted = new Map<string, number>();
        let recent = new Map<string, Map<string, number>>();
        let srcPort = 40000;
        /** The model's walk of one connection that reaches `chosen` (trying seeded draws until one does). */
        const modelWalk = (dst: string, dport: number, chosen: string) => {
          for (let seed = 1; seed <= 400; seed++) {
            const trial = new Map([...recent].map(([k, v]) => [k, new Map(v)]));
            const w = walkPacket(rs, { src: '10.42.1.1', srcPort: srcPort, dst, dstPort: dport, proto: 'tcp' }, ['OUTPUT', 'POSTROUTING'] as Hook[], { localAddresses: local, outAddress: '10.42.1.1', rng: mulberry32(seed), conntrack: new Conntrack(), recent: trial });
            if (w.dnat?.ip === chosen) {
              recent = trial;
              srcPort++;
              for (const h of w.hits) if (h.table === 'nat') predicted.set(`${h.chain} #${h.index}`, (predicted.get(`${h.chain} #${h.index}`) ?? 0) + 1);
              return w;
            }
          }
          throw new Error(`the model's walk never reaches ${chosen} for ${dst}:${dport}`);
        };

        // ClusterIP, three endpoints: 24 connections spread over them
        const seen = connect('10.43.0.50', 80, 24);
        for (const s of seen) expect(WEB_EPS).toContain(s);
        expect(new Set(seen).size).toBeGreaterThan(1); // P(only one endpoint in 24) = 3·(1/3)^24
        const sepChains = WEB_EPS.map((ip) => sepChain('default/web:http', 'tcp', `${ip}:8080`));
        for (const s of seen) expect(sepChains).toContain(modelWalk('10.43.0.50', 80, s).hits.find((h) => h.chain.startsWith('KUBE-SEP-'))!.chain);

        // ClientIP affinity: after the first pick every connection from this source sticks to it
        const sticky = connect('10.43.0.52', 80, 12);
        expect(['10.42.1.20', '10.42.2.20']).toContain(sticky[0]);
        expect(new Set(sticky).size).toBe(1);
        const stickyWalks = sticky.map((s) => modelWalk('10.43.0.52', 80, s));
        expect(stickyWalks.slice(1).every((w) => w.hits.some((h) => h.rule.includes('--rcheck')))).toBe(true);

        // NodePort on the node's own address: KUBE-NODEPORTS → KUBE-EXT → masquerade mark → endpoint
        const np = connect('10.42.1.1', 30080, 12);
        for (const s of np) expect(WEB_EPS).toContain(s);
        const npWalks = np.map((s) => modelWalk('10.42.1.1', 30080, s));
        expect(npWalks.every((w) => w.masquerade)).toBe(true);

        // the kernel's per-rule packet counters for the whole nat table = the model's walks
        const counters = savedCounters(nsExec(node, `iptables-${f}-save`, ['-c', '-t', 'nat']), 'nat');
        const nonzero = new Map([...counters].filter(([, v]) => v > 0));
        expect(Object.fromEntries([...nonzero].sort())).toEqual(Object.fromEntries([...predicted].sort()));
        expect(predicted.size).toBeGreaterThan(10);

        // no endpoints: the filter table REJECTs (ECONNREFUSED), as the model's walk says
        expect(connect('10.43.0.51', 80, 1)).toEqual(['ECONNREFUSED']);
        const w = walkPacket(rs, { src: '10.42.1.1', srcPort: 50000, dst: '10.43.0.51', dstPort: 80, proto: 'tcp' }, ['OUTPUT', 'POSTROUTING'], { localAddresses: local, rng: mulberry32(1), conntrack: new Conntrack() });
        expect(w.verdict).toBe('REJECT');
        expect(w.hits.at(-1)!.rule).toContain('"default/lonely:http has no endpoints"');
      } finally {
        for (const p of procs.splice(0)) if (p.pid && p.exitCode === null) try { process.kill(p.pid); } catch { /* gone */ }
        removeNamespace(pod);
        removeNamespace(node);
      }
    }, 60_000);
  }
});
