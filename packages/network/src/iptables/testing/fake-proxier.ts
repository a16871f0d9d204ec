/**
 * Models: upstream's NewFakeProxier + iptablestest.NewFake (kubernetes pkg/proxy/iptables/proxier_test.go,
 * pkg/util/iptables/testing/fake.go): a proxier with upstream's test settings whose payloads are
 * restored into a model of the kernel's tables, with the service/endpoint informer events
 * (OnServiceAdd/Delete, OnEndpointSliceAdd/Update/Delete) kept as the current object sets.
 * Leaves out: metrics, the BoundedFrequencyRunner, conntrack cleanup.
 */
import type { EndpointSlice, Service } from '../objects';
import { jumpRules, Proxier, upstreamTestProxierConfig, type ProxierConfig, type SyncResult } from '../proxier';
import { KernelTables } from '../kernel-tables';

/** testNodeIPs in proxier_test.go (IPv4 part): the node's addresses on eth0. */
export const testNodeIPs = ['192.168.0.2', '192.168.1.2', '192.168.99.11'];
export const testNodeIP = '192.168.0.2';
export const testExternalClient = '203.0.113.2';
export const testExternalClientBlocked = '203.0.113.130';

const key = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;

export class FakeProxier {
  readonly proxier: Proxier;
  readonly ipt = new KernelTables();
  private services = new Map<string, Service>();
  private slices = new Map<string, EndpointSlice>();
  /** the payload handed to iptables-restore by the last sync (fp.iptablesData) */
  iptablesData = '';
  lastResult: SyncResult | null = null;
  lastRestoreError: Error | null = null;

  constructor(cfg: Partial<ProxierConfig> = {}) {
    this.proxier = new Proxier({ ...upstreamTestProxierConfig(), ...cfg });
  }

  onServiceAdd(...s: Service[]): this {
    for (const x of s) this.services.set(key(x), x);
    return this;
  }
  onServiceDelete(s: Service): this {
    this.services.delete(key(s));
    return this;
  }
  onEndpointSliceAdd(...e: EndpointSlice[]): this {
    for (const x of e) this.slices.set(key(x), x);
    return this;
  }
  onEndpointSliceUpdate(_old: EndpointSlice, e: EndpointSlice): this {
    this.slices.set(key(e), e);
    return this;
  }
  onEndpointSliceDelete(e: EndpointSlice): this {
    this.slices.delete(key(e));
    return this;
  }

  /** syncProxyRules: build the payload, ensure the jump rules, restore; a failed restore forces a full sync next time. */
  syncProxyRules(opts: { forceFull?: boolean; nowMs?: number } = {}): SyncResult {
    const r = this.proxier.sync([...this.services.values()], [...this.slices.values()], opts);
    this.iptablesData = r.text;
    this.lastResult = r;
    this.lastRestoreError = null;
    this.ipt.ensureJumps(jumpRules());
    try {
      this.ipt.restore(r.text);
    } catch (e) {
      this.lastRestoreError = e as Error;
      this.proxier.restoreFailed();
    }
    return r;
  }

  get needFullSync(): boolean {
    return (this.proxier as unknown as { needFullSync: boolean }).needFullSync;
  }
}

/** countEndpointsAndComments in proxier_test.go. */
export function countEndpointsAndComments(iptablesData: string, matchEndpoint: string): { matched: string; numEndpoints: number; numComments: number } {
  let numEndpoints = 0;
  let numComments = 0;
  let matched = '';
  for (const line of iptablesData.split('\n')) {
    if (line.startsWith('-A KUBE-SEP-') && line.includes('-j DNAT')) {
      numEndpoints++;
      if (line.includes('--comment')) numComments++;
      if (line.includes(matchEndpoint)) matched = line;
    }
  }
  return { matched, numEndpoints, numComments };
}
