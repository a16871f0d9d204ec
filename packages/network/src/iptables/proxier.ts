/**
 * Models: kube-proxy in iptables mode (as k3s v1.33 embeds it) writing its iptables-restore payload.
 * Follows: kubernetes pkg/proxy/iptables/proxier.go at v1.33 (syncProxyRules,
 * writeServiceToEndpointRules, computeProbability, largeClusterEndpointsThreshold = 1000),
 * pkg/proxy/util/linebuffer.go (args joined by one space), pkg/util/iptables (MakeChainLine).
 * Leaves out: IPv6, the jump rules from built-in chains (EnsureRule, not part of the payload — see
 * `jumpRules()`), conntrack cleanup of stale UDP flows, metrics, the FullSyncPeriod timer (the caller
 * says when a sync is full), topology hints. Services are iterated in sorted order where real
 * kube-proxy iterates a Go map in random order; upstream compares payloads after sortIPTablesRules,
 * and so do we.
 */
import { isServiceChainName, sepChain, svcChain } from './chain-names';
import { categorizeEndpoints, cidrContainsIp, endpointsFor, servicePorts, usesClusterEndpoints, usesLocalEndpoints, type EndpointInfo, type EndpointSlice, type Service, type ServicePortInfo } from './objects';

export interface ProxierConfig {
  nodeName: string;
  nodeIP: string;
  /** local detector (--cluster-cidr); '' = no local detector */
  clusterCidr: string;
  /** printed mark: real kube-proxy prints "0x00004000", upstream's unit tests "0x4000" */
  masqueradeMark: string;
  masqueradeAll: boolean;
  localhostNodePorts: boolean;
  /** nfacct counters could be created on the host */
  nfacct: boolean;
  /** iptables supports --random-fully (>= 1.6.2) */
  randomFully: boolean;
  /** nf_conntrack_tcp_be_liberal is set (then no INVALID drop rule) */
  conntrackTCPLiberal: boolean;
  /** --nodeport-addresses resolved to node IPs; empty = match all (addrtype LOCAL) */
  nodePortAddresses: string[];
  /** --iptables-sync-period: in large-cluster mode stale chains are deleted at most once per period */
  syncPeriodMs?: number;
}

/** What a k3s v1.33 agent passes (kubeProxyArgs) on a real node. */
export function k3sProxierConfig(nodeName: string, nodeIP: string, clusterCidr = '10.42.0.0/16'): ProxierConfig {
  return { nodeName, nodeIP, clusterCidr, masqueradeMark: '0x00004000', masqueradeAll: false, localhostNodePorts: true, nfacct: false, randomFully: true, conntrackTCPLiberal: false, nodePortAddresses: [] };
}

/** NewFakeProxier in proxier_test.go. */
export function upstreamTestProxierConfig(): ProxierConfig {
  return { nodeName: 'test-node', nodeIP: '192.168.0.2', clusterCidr: '10.0.0.0/8', masqueradeMark: '0x4000', masqueradeAll: false, localhostNodePorts: true, nfacct: true, randomFully: false, conntrackTCPLiberal: false, nodePortAddresses: [] };
}

export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

/** computeProbability: fmt.Sprintf("%0.10f", 1.0/float64(n)) */
export function computeProbability(n: number): string {
  return (1 / n).toFixed(10);
}

/**
 * proxyutil.LineBuffer: arguments joined by one space, one line each. Backed by bytes rather than an
 * array of strings: a 10,000-service payload is 400,000+ lines and keeping them as strings until the
 * final join made the garbage collector the largest cost. Only ASCII is written byte by byte; any
 * other character is UTF-8 encoded, so the text is the same either way.
 */
export class LineBuffer {
  buf: Uint8Array;
  len = 0;
  lineCount = 0;
  constructor(initial = 1 << 12) {
    this.buf = new Uint8Array(initial);
  }
  private grow(need: number): void {
    let n = this.buf.length * 2;
    while (n < need) n *= 2;
    const b = new Uint8Array(n);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  /** Appends s (no newline). */
  s(str: string): this {
    const n = str.length;
    if (this.len + n * 3 > this.buf.length) this.grow(this.len + n * 3);
    const b = this.buf;
    let l = this.len;
    for (let i = 0; i < n; i++) {
      const c = str.charCodeAt(i);
      if (c < 128) b[l++] = c;
      else {
        const enc = utf8.encode(str.slice(i, i + (c >= 0xd800 && c < 0xdc00 ? 2 : 1)));
        b.set(enc, l);
        l += enc.length;
        if (c >= 0xd800 && c < 0xdc00) i++;
      }
    }
    this.len = l;
    return this;
  }
  /** Ends the current line. */
  nl(): void {
    if (this.len + 1 > this.buf.length) this.grow(this.len + 1);
    this.buf[this.len++] = 10;
    this.lineCount++;
  }
  /** One whole line. */
  line(str: string): void {
    this.s(str).nl();
  }
  write(...args: (string | string[])[]): void {
    let first = true;
    for (const a of args) {
      if (typeof a === 'string') {
        if (!first) this.s(' ');
        this.s(a);
        first = false;
      } else {
        for (const x of a) {
          if (!first) this.s(' ');
          this.s(x);
          first = false;
        }
      }
    }
    this.nl();
  }
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
  toString(): string {
    return utf8d.decode(this.bytes);
  }
}

/** Service ports in name+protocol order (the order we iterate in; upstream iterates a Go map). */
function sortServicePorts(ports: ServicePortInfo[]): ServicePortInfo[] {
  const keyed = ports.map((p) => ({ p, k: p.name + p.protocol }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.p);
}

/** Whether a service's endpoints (per port) are the same as at the last sync: what makes a partial sync rewrite it. */
function sameEndpoints(a: EndpointInfo[][] | undefined, b: EndpointInfo[][] | undefined): boolean {
  if (!a || !b) return (a?.every((x) => x.length === 0) ?? true) && (b?.every((x) => x.length === 0) ?? true) && (a?.length ?? 0) === (b?.length ?? 0);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) {
      const e = x[j]!;
      const f = y[j]!;
      if (e.str !== f.str || e.ready !== f.ready || e.serving !== f.serving || e.terminating !== f.terminating || e.nodeName !== f.nodeName) return false;
    }
  }
  return true;
}

/** Where a partial sync writes the rules of services it leaves alone: nothing is kept. */
class DiscardBuffer extends LineBuffer {
  constructor() {
    super(1);
  }
  override s(_str: string): this {
    return this;
  }
  override nl(): void {}
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

function decodeParts(parts: (Uint8Array | string)[]): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : utf8d.decode(p);
  return out;
}

export interface SyncResult {
  /** the payload given to iptables-restore --noflush --counters */
  text: string;
  full: boolean;
  largeClusterMode: boolean;
  /** in the order they became active (fixed chains first) */
  activeNatChains: string[];
  deletedChains: string[];
}

const q = (s: string) => `"${s}"`;

export class Proxier {
  private prevServices = new Map<string, string>();
  private prevEndpoints = new Map<string, EndpointInfo[][]>();
  /** the nat chains the kernel holds after the last successful restore */
  private kernelNatChains = new Set<string>();
  private needFullSync = true;
  private lastLarge = false;
  /** the kernel's chains before the last sync, restored by restoreFailed() */
  private beforeLastSync: Set<string> | null = null;
  /** simulated time of the last stale-chain cleanup (lastIPTablesCleanup) */
  private lastCleanupMs = -Infinity;

  constructor(readonly cfg: ProxierConfig) {}

  /**
   * The last payload was rejected by iptables-restore: the kernel still holds what it held before
   * (the restore is atomic per table), and kube-proxy forces a full sync next time.
   */
  restoreFailed(): void {
    if (this.beforeLastSync) this.kernelNatChains = this.beforeLastSync;
    this.beforeLastSync = null;
    this.needFullSync = true;
  }

  /** Forget what the kernel has (e.g. a fresh node). */
  reset(): void {
    this.kernelNatChains.clear();
    this.prevServices.clear();
    this.prevEndpoints.clear();
    this.needFullSync = true;
  }

  /**
   * One syncProxyRules. `nowMs` is the simulation's clock (never the wall clock); it only decides,
   * in large-cluster mode, whether the stale-chain cleanup is due (upstream: time since
   * lastIPTablesCleanup > syncPeriod). Without it the cleanup is always due.
   */
  sync(services: Service[], slices: EndpointSlice[], opts: { forceFull?: boolean; nowMs?: number } = {}): SyncResult {
    const cfg = this.cfg;
    const doFullSync = this.needFullSync || !!opts.forceFull;
    const mark = cfg.masqueradeMark;

    // Which services (by namespace/name) changed since the last sync.
    const svcKey = (s: Service) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
    const curServices = new Map<string, string>();
    for (const s of services) curServices.set(svcKey(s), JSON.stringify(s.spec) + JSON.stringify(s.status ?? {}));
    const svcPorts: ServicePortInfo[] = sortServicePorts(services.flatMap(servicePorts));
    const epsByPort = new Map<ServicePortInfo, EndpointInfo[]>();
    const curEndpoints = new Map<string, EndpointInfo[][]>();
    let totalEndpoints = 0;
    const slicesBySvc = new Map<string, EndpointSlice[]>();
    for (const sl of slices) {
      const k = `${sl.metadata.namespace ?? 'default'}/${sl.metadata.labels?.['kubernetes.io/service-name'] ?? ''}`;
      (slicesBySvc.get(k) ?? slicesBySvc.set(k, []).get(k)!).push(sl);
    }
    for (const sp of svcPorts) {
      const eps = endpointsFor(sp, slicesBySvc.get(`${sp.namespace}/${sp.serviceName}`) ?? [], cfg.nodeName);
      epsByPort.set(sp, eps);
      totalEndpoints += eps.length;
      const k = `${sp.namespace}/${sp.serviceName}`;
      const list = curEndpoints.get(k);
      if (list) list.push(eps);
      else curEndpoints.set(k, [eps]);
    }
    const changed = new Set<string>();
    for (const k of new Set([...curServices.keys(), ...this.prevServices.keys()])) {
      if (curServices.get(k) !== this.prevServices.get(k)) changed.add(k);
      else if (!sameEndpoints(curEndpoints.get(k), this.prevEndpoints.get(k))) changed.add(k);
    }
    const largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    this.lastLarge = largeClusterMode;

    const filterChains = new LineBuffer();
    const filterRules = new LineBuffer();
    // Sized from the counts (about 40 bytes of chain lines and 250 of rules per endpoint) so that a big
    // payload is written without regrowing.
    // A partial sync writes only the changed services' chains: start small and let it grow.
    const sizedEndpoints = doFullSync ? totalEndpoints : 0;
    const natChainsBuf = new LineBuffer(4096 + 48 * (sizedEndpoints + 2 * svcPorts.length));
    const natRulesBuf = new LineBuffer(4096 + 256 * sizedEndpoints + 512 * svcPorts.length);
    // The rules of services a partial sync leaves alone are written here and thrown away.
    const skipped = new DiscardBuffer();
    const activeNat = new Set<string>();

    for (const c of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']) filterChains.write(`:${c} - [0:0]`);
    for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']) {
      natChainsBuf.write(`:${c} - [0:0]`);
      activeNat.add(c);
    }
    natRulesBuf.write('-A', 'KUBE-POSTROUTING', '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
    natRulesBuf.write('-A', 'KUBE-POSTROUTING', '-j', 'MARK', '--xor-mark', mark);
    natRulesBuf.write('-A', 'KUBE-POSTROUTING', '-m', 'comment', '--comment', q('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE', ...(cfg.randomFully ? ['--random-fully'] : []));
    natRulesBuf.write('-A', 'KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', mark);
    if (cfg.localhostNodePorts) {
      filterChains.write(':KUBE-FIREWALL - [0:0]');
      filterRules.write('-A', 'KUBE-FIREWALL', '-m', 'comment', '--comment', q('block incoming localnet connections'), '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP');
    }

    const localDetector = cfg.clusterCidr !== '';
    const comment = (args: string[], c: string) => {
      if (!largeClusterMode) args.push('-m', 'comment', '--comment', c);
    };

    for (const sp of svcPorts) {
      const name = sp.name;
      const P = sp.protocol;
      const all = epsByPort.get(sp) ?? [];
      const { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(sp, all);
      // endpointInfo.ChainName: computed once per endpoint of this service port.
      const sepOf = (ep: EndpointInfo) => ep.chainName ?? (ep.chainName = sepChain(name, P, ep.str));
      for (const ep of allReachable) activeNat.add(sepOf(ep));
      // All four names share one hash (portProtoHash): compute it once.
      const hash = svcChain(name, P).slice('KUBE-SVC-'.length);
      const SVC = 'KUBE-SVC-' + hash;
      const SVL = 'KUBE-SVL-' + hash;
      const EXT = 'KUBE-EXT-' + hash;
      const FW = 'KUBE-FW-' + hash;
      const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(sp);
      const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(sp);
      if (usesClusterPolicyChain) activeNat.add(SVC);
      if (usesLocalPolicyChain) activeNat.add(SVL);
      let internalTrafficChain = SVC;
      let hasInternalEndpoints = hasEndpoints;
      if (sp.internalPolicyLocal) {
        internalTrafficChain = SVL;
        if (localEndpoints.length === 0) hasInternalEndpoints = false;
      }
      let externalPolicyChain = SVC;
      let hasExternalEndpoints = hasEndpoints;
      if (sp.externalPolicyLocal) {
        externalPolicyChain = SVL;
        if (localEndpoints.length === 0) hasExternalEndpoints = false;
      }
      const usesExternalTrafficChain = hasEndpoints && sp.externallyAccessible;
      if (usesExternalTrafficChain) activeNat.add(EXT);
      const usesFWChain = hasEndpoints && sp.loadBalancerVIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
      if (usesFWChain) activeNat.add(FW);
      const loadBalancerTrafficChain = usesFWChain ? FW : EXT;

      let internalFilterTarget = '';
      let internalFilterComment = '';
      let externalFilterTarget = '';
      let externalFilterComment = '';
      if (!hasEndpoints) {
        internalFilterTarget = externalFilterTarget = 'REJECT';
        internalFilterComment = externalFilterComment = q(`${name} has no endpoints`);
      } else {
        if (!hasInternalEndpoints) {
          internalFilterTarget = 'DROP';
          internalFilterComment = q(`${name} has no local endpoints`);
        }
        if (!hasExternalEndpoints) {
          externalFilterTarget = 'DROP';
          externalFilterComment = q(`${name} has no local endpoints`);
        }
      }

      let natChains = natChainsBuf;
      let natRules = natRulesBuf;
      const proto = ['-m', P, '-p', P];

      if (hasInternalEndpoints) {
        natRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', q(`${name} cluster IP`), proto, '-d', sp.clusterIP, '--dport', String(sp.port), '-j', internalTrafficChain);
      } else {
        filterRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', internalFilterComment, proto, '-d', sp.clusterIP, '--dport', String(sp.port), '-j', internalFilterTarget);
      }
      for (const eip of sp.externalIPs) {
        if (hasEndpoints) natRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', q(`${name} external IP`), proto, '-d', eip, '--dport', String(sp.port), '-j', EXT);
        if (!hasExternalEndpoints) filterRules.write('-A', 'KUBE-EXTERNAL-SERVICES', '-m', 'comment', '--comment', externalFilterComment, proto, '-d', eip, '--dport', String(sp.port), '-j', externalFilterTarget);
      }
      for (const lb of sp.loadBalancerVIPs) {
        if (hasEndpoints) natRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', q(`${name} loadbalancer IP`), proto, '-d', lb, '--dport', String(sp.port), '-j', loadBalancerTrafficChain);
        if (usesFWChain) filterRules.write('-A', 'KUBE-PROXY-FIREWALL', '-m', 'comment', '--comment', q(`${name} traffic not accepted by ${FW}`), proto, '-d', lb, '--dport', String(sp.port), '-j', 'DROP');
      }
      if (!hasExternalEndpoints) {
        for (const lb of sp.loadBalancerVIPs) filterRules.write('-A', 'KUBE-EXTERNAL-SERVICES', '-m', 'comment', '--comment', externalFilterComment, proto, '-d', lb, '--dport', String(sp.port), '-j', externalFilterTarget);
      }
      if (sp.nodePort !== 0) {
        if (hasEndpoints) {
          if (cfg.localhostNodePorts && cfg.nfacct) {
            natRules.write('-A', 'KUBE-NODEPORTS', '-m', 'comment', '--comment', name, proto, '-d', '127.0.0.0/8', '--dport', String(sp.nodePort), '-m', 'nfacct', '--nfacct-name', 'localhost_nps_accepted_pkts', '-j', EXT);
          }
          natRules.write('-A', 'KUBE-NODEPORTS', '-m', 'comment', '--comment', name, proto, '--dport', String(sp.nodePort), '-j', EXT);
        }
        if (!hasExternalEndpoints) {
          filterRules.write('-A', 'KUBE-EXTERNAL-SERVICES', '-m', 'comment', '--comment', externalFilterComment, '-m', 'addrtype', '--dst-type', 'LOCAL', proto, '--dport', String(sp.nodePort), '-j', externalFilterTarget);
        }
      }
      if (sp.healthCheckNodePort !== 0) {
        filterRules.write('-A', 'KUBE-NODEPORTS', '-m', 'comment', '--comment', q(`${name} health check node port`), '-m', 'tcp', '-p', 'tcp', '--dport', String(sp.healthCheckNodePort), '-j', 'ACCEPT');
      }

      // From here on, an unchanged service's rules are already in the kernel: partial syncs skip them.
      if (!doFullSync && !changed.has(`${sp.namespace}/${sp.serviceName}`)) {
        natChains = skipped;
        natRules = skipped;
      }

      if (hasInternalEndpoints) {
        const args = ['-A', internalTrafficChain, '-m', 'comment', '--comment', q(`${name} cluster IP`), ...proto, '-d', sp.clusterIP, '--dport', String(sp.port)];
        if (cfg.masqueradeAll) natRules.write(args, '-j', 'KUBE-MARK-MASQ');
        else if (localDetector) natRules.write(args, '!', '-s', cfg.clusterCidr, '-j', 'KUBE-MARK-MASQ');
      }
      if (usesExternalTrafficChain) {
        natChains.write(`:${EXT} - [0:0]`);
        if (!sp.externalPolicyLocal) {
          natRules.write('-A', EXT, '-m', 'comment', '--comment', q(`masquerade traffic for ${name} external destinations`), '-j', 'KUBE-MARK-MASQ');
        } else {
          if (localDetector) natRules.write('-A', EXT, '-m', 'comment', '--comment', q(`pod traffic for ${name} external destinations`), '-s', cfg.clusterCidr, '-j', SVC);
          natRules.write('-A', EXT, '-m', 'comment', '--comment', q(`masquerade LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'KUBE-MARK-MASQ');
          natRules.write('-A', EXT, '-m', 'comment', '--comment', q(`route LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', SVC);
        }
        if (hasExternalEndpoints) natRules.write('-A', EXT, '-j', externalPolicyChain);
      }
      if (usesFWChain) {
        natChains.write(`:${FW} - [0:0]`);
        let allowFromNode = false;
        for (const src of sp.loadBalancerSourceRanges) {
          natRules.write('-A', FW, '-m', 'comment', '--comment', q(`${name} loadbalancer IP`), '-s', src, '-j', EXT);
          if (cidrContainsIp(src, cfg.nodeIP)) allowFromNode = true;
        }
        if (allowFromNode) {
          for (const lb of sp.loadBalancerVIPs) natRules.write('-A', FW, '-m', 'comment', '--comment', q(`${name} loadbalancer IP`), '-s', lb, '-j', EXT);
        }
        natRules.write('-A', FW, '-m', 'comment', '--comment', q(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`));
      }
      if (usesClusterPolicyChain) {
        natChains.write(`:${SVC} - [0:0]`);
        this.writeServiceToEndpointRules(natRules, sp, SVC, clusterEndpoints, comment, sepOf);
      }
      if (usesLocalPolicyChain) {
        natChains.write(`:${SVL} - [0:0]`);
        this.writeServiceToEndpointRules(natRules, sp, SVL, localEndpoints, comment, sepOf);
      }
      // The hot path (one pair per endpoint): written as strings, same text as the args form.
      const sepComment = largeClusterMode ? '' : ` -m comment --comment ${name}`;
      const dnatProto = ` -m ${P} -p ${P} -j DNAT --to-destination `;
      for (const ep of allReachable) {
        const SEP = sepOf(ep);
        natChains.s(':').s(SEP).s(' - [0:0]').nl();
        natRules.s('-A ').s(SEP).s(sepComment).s(' -s ').s(ep.ip).s(' -j KUBE-MARK-MASQ').nl();
        natRules.s('-A ').s(SEP).s(sepComment);
        if (sp.sessionAffinityClientIP) natRules.s(' -m recent --name ').s(SEP).s(' --set');
        natRules.s(dnatProto).s(ep.str).nl();
      }
    }

    // Stale chains: ours, in the kernel, no longer active → flush (chain line) and delete (-X).
    // In large-cluster mode only once per sync period (iptables-save is slow on big hosts).
    const deleted: string[] = [];
    const nowMs = opts.nowMs ?? Infinity;
    if (!largeClusterMode || nowMs - this.lastCleanupMs > (cfg.syncPeriodMs ?? 30_000)) {
      for (const chain of [...this.kernelNatChains].filter((c) => !activeNat.has(c)).sort()) {
        if (isServiceChainName(chain)) {
          natChainsBuf.write(`:${chain} - [0:0]`);
          natRulesBuf.write('-X', chain);
          deleted.push(chain);
        }
      }
      this.lastCleanupMs = opts.nowMs ?? this.lastCleanupMs;
    }

    const lastComment = q('kubernetes service nodeports; NOTE: this must be the last rule in this chain');
    if (cfg.nodePortAddresses.length === 0) {
      const dest = ['-m', 'addrtype', '--dst-type', 'LOCAL', ...(cfg.localhostNodePorts ? [] : ['!', '-d', '127.0.0.0/8'])];
      natRulesBuf.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', lastComment, dest, '-j', 'KUBE-NODEPORTS');
    } else {
      for (const ip of cfg.nodePortAddresses) {
        if (ip.startsWith('127.') && !cfg.localhostNodePorts) continue;
        natRulesBuf.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', lastComment, '-d', ip, '-j', 'KUBE-NODEPORTS');
      }
    }
    if (!cfg.conntrackTCPLiberal) {
      filterRules.write('-A', 'KUBE-FORWARD', '-m', 'conntrack', '--ctstate', 'INVALID', ...(cfg.nfacct ? ['-m', 'nfacct', '--nfacct-name', 'ct_state_invalid_dropped_pkts'] : []), '-j', 'DROP');
    }
    filterRules.write('-A', 'KUBE-FORWARD', '-m', 'comment', '--comment', q('kubernetes forwarding rules'), '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT');
    filterRules.write('-A', 'KUBE-FORWARD', '-m', 'comment', '--comment', q('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');

    const text = decodeParts(['*filter\n', filterChains.bytes, filterRules.bytes, 'COMMIT\n*nat\n', natChainsBuf.bytes, natRulesBuf.bytes, 'COMMIT\n']);

    // The restore succeeded (the caller calls restoreFailed() otherwise): remember the kernel's state.
    // The kernel now holds (what it held − the deleted chains) ∪ the active chains.
    const activeNatChains = [...activeNat];
    const deletedSet = new Set(deleted);
    for (const c of this.kernelNatChains) if (!deletedSet.has(c)) activeNat.add(c);
    this.beforeLastSync = this.kernelNatChains;
    this.kernelNatChains = activeNat;
    this.prevServices = curServices;
    this.prevEndpoints = curEndpoints;
    this.needFullSync = false;
    return { text, full: doFullSync, largeClusterMode, activeNatChains, deletedChains: deleted };
  }

  private writeServiceToEndpointRules(buf: LineBuffer, sp: ServicePortInfo, chain: string, eps: EndpointInfo[], comment: (a: string[], c: string) => void, sepOf: (ep: EndpointInfo) => string): void {
    if (sp.sessionAffinityClientIP) {
      for (const ep of eps) {
        const SEP = sepOf(ep);
        const args = ['-A', chain];
        comment(args, q(`${sp.name} -> ${ep.str}`));
        buf.write(args, '-m', 'recent', '--name', SEP, '--rcheck', '--seconds', String(sp.stickyMaxAgeSeconds), '--reap', '-j', SEP);
      }
    }
    const n = eps.length;
    const large = this.lastLarge;
    for (let i = 0; i < n; i++) {
      const ep = eps[i]!;
      buf.s('-A ').s(chain);
      if (!large) buf.s(' -m comment --comment "').s(sp.name).s(' -> ').s(ep.str).s('"');
      if (i < n - 1) buf.s(' -m statistic --mode random --probability ').s(computeProbability(n - i));
      buf.s(' -j ').s(sepOf(ep)).nl();
    }
  }
}

/** One full sync with a fresh proxier. */
export function syncProxyRules(cfg: ProxierConfig, services: Service[], slices: EndpointSlice[]): SyncResult {
  return new Proxier(cfg).sync(services, slices);
}

/** iptablesJumpChains: the rules kube-proxy ensures (iptables -I … 1) in built-in chains, outside the payload. */
export function jumpRules(): { table: 'filter' | 'nat'; chain: string; rule: string }[] {
  const ct = '-m conntrack --ctstate NEW ';
  const rows: [('filter' | 'nat'), string, string, string, string][] = [
    ['filter', 'KUBE-EXTERNAL-SERVICES', 'INPUT', 'kubernetes externally-visible service portals', ct],
    ['filter', 'KUBE-EXTERNAL-SERVICES', 'FORWARD', 'kubernetes externally-visible service portals', ct],
    ['filter', 'KUBE-NODEPORTS', 'INPUT', 'kubernetes health check service ports', ''],
    ['filter', 'KUBE-SERVICES', 'FORWARD', 'kubernetes service portals', ct],
    ['filter', 'KUBE-SERVICES', 'OUTPUT', 'kubernetes service portals', ct],
    ['filter', 'KUBE-FORWARD', 'FORWARD', 'kubernetes forwarding rules', ''],
    ['filter', 'KUBE-PROXY-FIREWALL', 'INPUT', 'kubernetes load balancer firewall', ct],
    ['filter', 'KUBE-PROXY-FIREWALL', 'OUTPUT', 'kubernetes load balancer firewall', ct],
    ['filter', 'KUBE-PROXY-FIREWALL', 'FORWARD', 'kubernetes load balancer firewall', ct],
    ['nat', 'KUBE-SERVICES', 'OUTPUT', 'kubernetes service portals', ''],
    ['nat', 'KUBE-SERVICES', 'PREROUTING', 'kubernetes service portals', ''],
    ['nat', 'KUBE-POSTROUTING', 'POSTROUTING', 'kubernetes postrouting rules', ''],
    ['filter', 'KUBE-FIREWALL', 'INPUT', '', ''],
    ['filter', 'KUBE-FIREWALL', 'OUTPUT', '', ''],
  ];
  return rows.map(([table, dst, chain, c, extra]) => ({ table, chain, rule: `${extra}${c ? `-m comment --comment "${c}" ` : ''}-j ${dst}` }));
}
