/**
 * Property: kube-proxy's chain names are unique. Distinct service ports (name + protocol) get
 * distinct KUBE-SVC/SVL/EXT/FW names, distinct endpoints distinct KUBE-SEP names; and in any payload
 * the proxier writes, no chain is declared twice in a table, every chain name fits iptables' limit
 * (28 characters: XT_EXTENSION_MAXNAMELEN 29 with the NUL), and every jump to a KUBE- chain targets
 * a chain the payload declares or a fixed one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extChain, fwChain, sepChain, svcChain, svlChain } from './chain-names';
import type { EndpointSlice, Service } from './objects';
import { k3sProxierConfig, Proxier } from './proxier';
import { parseDump } from './sort-rules';

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const proto = fc.constantFrom('tcp', 'udp', 'sctp');
const ip = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((a) => a.join('.'));

describe('chain names (property)', () => {
  it('distinct service ports and endpoints get distinct names, all within 28 characters', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(dnsLabel, dnsLabel, dnsLabel, proto), { minLength: 1, maxLength: 60, selector: (t) => t.join('|') }),
        fc.uniqueArray(fc.tuple(ip, fc.integer({ min: 1, max: 65535 })), { minLength: 1, maxLength: 40, selector: (t) => t.join(':') }),
        (ports, eps) => {
          const names = new Set<string>();
          for (const [ns, name, port, p] of ports) {
            const spn = `${ns}/${name}:${port}`;
            const four = [svcChain(spn, p), svlChain(spn, p), extChain(spn, p), fwChain(spn, p)];
            for (const c of four) {
              expect(c.length).toBeLessThanOrEqual(28);
              expect(c).toMatch(/^KUBE-(SVC|SVL|EXT|FW)-[A-Z2-7]{16}$/);
              expect(names.has(c)).toBe(false);
              names.add(c);
            }
          }
          const [ns, name, port, p] = ports[0]!;
          const seps = new Set(eps.map(([a, n]) => sepChain(`${ns}/${name}:${port}`, p, `${a}:${n}`)));
          expect(seps.size).toBe(eps.length);
          for (const s of seps) expect(names.has(s)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('no payload declares a chain twice, and every KUBE- jump target is declared', () => {
    const svcArb = fc.uniqueArray(
      fc.record({
        name: dnsLabel,
        ports: fc.uniqueArray(fc.record({ name: dnsLabel, port: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom('TCP', 'UDP') }), { minLength: 1, maxLength: 3, selector: (p) => p.name }),
        type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
        local: fc.boolean(),
        affinity: fc.boolean(),
        eps: fc.uniqueArray(fc.record({ ip, node: fc.constantFrom('k3s-worker-1', 'k3s-worker-2'), ready: fc.boolean() }), { maxLength: 6, selector: (e) => e.ip }),
      }),
      { minLength: 1, maxLength: 12, selector: (s) => s.name },
    );
    fc.assert(
      fc.property(svcArb, (defs) => {
        let np = 30000;
        const services: Service[] = defs.map((d, i) => ({
          metadata: { namespace: 'default', name: d.name },
          spec: {
            type: d.type,
            clusterIP: `10.43.1.${i + 1}`,
            ports: d.ports.map((p) => ({ ...p, ...(d.type !== 'ClusterIP' ? { nodePort: np++ } : {}) })),
            ...(d.type !== 'ClusterIP' && d.local ? { externalTrafficPolicy: 'Local' as const, ...(d.type === 'LoadBalancer' ? { healthCheckNodePort: np++ } : {}) } : {}),
            ...(d.type === 'LoadBalancer' ? { loadBalancerSourceRanges: ['10.0.0.0/8'] } : {}),
            ...(d.affinity ? { sessionAffinity: 'ClientIP' as const } : {}),
          },
          ...(d.type === 'LoadBalancer' ? { status: { loadBalancer: { ingress: [{ ip: `192.0.2.${i + 1}` }] } } } : {}),
        }));
        const slices: EndpointSlice[] = defs.map((d) => ({
          metadata: { namespace: 'default', labels: { 'kubernetes.io/service-name': d.name } },
          endpoints: d.eps.map((e) => ({ addresses: [e.ip], nodeName: e.node, conditions: { ready: e.ready } })),
          ports: d.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
        }));
        const text = new Proxier(k3sProxierConfig('k3s-worker-1', '10.89.97.202')).sync(services, slices).text;
        // parseDump merges repeated chain lines, so count the raw ":CHAIN" lines per table first
        for (const block of text.split('COMMIT\n').filter((b) => b.trim())) {
          const chainLines = block.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]!);
          expect(new Set(chainLines).size, block.split('\n')[0]).toBe(chainLines.length);
        }
        for (const t of parseDump(text)) {
          const declared = new Set(t.chains);
          for (const c of t.chains) expect(c.length).toBeLessThanOrEqual(28);
          for (const r of t.rules) {
            const target = / -j (KUBE-\S+)/.exec(r.line)?.[1];
            if (target) expect(declared.has(target), `${t.name}: ${r.line}`).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
