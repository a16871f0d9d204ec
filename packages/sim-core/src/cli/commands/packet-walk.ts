/**
 * `lab packet-walk -f objects.yaml --src IP[:port] --dst IP:port/proto [--seed N] [--in-iface IF]
 *   [--out-iface IF] [--count N] -o json`: takes a packet through a k3s node's netfilter tables (kube-proxy's rules
 * for the objects plus flannel's) and prints every rule it hits and the resulting DNAT destination.
 * `--count` sends N connections (different source ports) to show the statistic spread.
 */
import { Conntrack, FieldError, k3sNodeRuleset, parseIPv4, Proxier, walkPacket, type Hook } from '@kubelab/network';
import { RngStreams } from '../../kernel/rng';
import { CliError, emit, intArg, outputOption, type RegisterCommand } from '../io';
import { addProxyFlags, proxierConfigFromFlags, readObjects, type ProxyOpts } from './proxy-rules';

function parseEndpoint(v: string, flag: string, needPort: boolean): { ip: string; port?: number; proto?: string } {
  const m = /^([\d.]+)(?::(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(v.trim());
  if (!m || (needPort && !m[2])) throw new CliError(`${flag}: Invalid value: ${JSON.stringify(v)}: must be IP${needPort ? ':port/proto, e.g. 10.43.0.10:53/udp' : '[:port]'}`);
  try {
    parseIPv4(m[1]!, flag);
  } catch (e) {
    if (e instanceof FieldError) throw new CliError(e.message);
    throw e;
  }
  const port = m[2] ? Number(m[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) throw new CliError(`${flag}: Invalid value: ${JSON.stringify(v)}: port must be between 1 and 65535, inclusive`);
  return { ip: m[1]!, ...(port !== undefined ? { port } : {}), ...(m[3] ? { proto: m[3].toLowerCase() } : {}) };
}

export const register: RegisterCommand = (program) => {
  const cmd = program
    .command('packet-walk')
    .description("walk a packet through a k3s node's iptables (kube-proxy + flannel) and print the rules it hits")
    .requiredOption('-f, --file <objects.yaml>', 'Services and EndpointSlices')
    .requiredOption('--src <ip[:port]>', 'source address (a pod IP: the packet is forwarded; the node IP: it is locally generated)')
    .requiredOption('--dst <ip:port/proto>', 'destination, e.g. 10.43.0.10:53/udp')
    .option('--seed <n>', 'seed for the statistic matches', intArg('--seed'), 1)
    .option('--count <n>', 'connections to send (source port increments)', intArg('--count', 1, 100000), 1)
    .option('--pod-cidr <cidr>', "this node's pod CIDR (flannel's lease)", '10.42.1.0/24')
    .option('--in-iface <name>', 'interface the packet arrives on, for -i matches (e.g. cni0, flannel.1, eth0)')
    .option('--out-iface <name>', 'interface the packet leaves by, for -o matches (e.g. flannel.1, cni0, eth0)');
  addProxyFlags(cmd);
  cmd.addOption(outputOption(['text', 'json'])).action((opts: ProxyOpts & { file: string; src: string; dst: string; seed: number; count: number; podCidr: string; inIface?: string; outIface?: string; output: string; randomFully: boolean }) => {
    const cfg = proxierConfigFromFlags(opts);
    const src = parseEndpoint(opts.src, '--src', false);
    const dst = parseEndpoint(opts.dst, '--dst', true);
    const { services, slices } = readObjects(opts.file);
    const text = new Proxier(cfg).sync(services, slices).text;
    const rs = k3sNodeRuleset(text, { clusterCidr: cfg.clusterCidr || '10.42.0.0/16', podCidr: opts.podCidr, randomFully: cfg.randomFully });
    const rng = new RngStreams(opts.seed).stream('network/netfilter');
    const local = cfg.nodeIP === src.ip;
    const hooks: Hook[] = local ? ['OUTPUT', 'POSTROUTING'] : ['PREROUTING', 'FORWARD', 'POSTROUTING'];
    const ctx = { localAddresses: [cfg.nodeIP, opts.podCidr.replace(/\/\d+$/, ''), '127.0.0.1'], outAddress: cfg.nodeIP, rng, conntrack: new Conntrack() };
    const results = [];
    for (let i = 0; i < opts.count; i++) {
      try {
        results.push(walkPacket(rs, { src: src.ip, srcPort: (src.port ?? 40000) + i, dst: dst.ip, dstPort: dst.port!, proto: (dst.proto ?? 'tcp') as 'tcp', ...(opts.inIface ? { inIface: opts.inIface } : {}), ...(opts.outIface ? { outIface: opts.outIface } : {}) }, hooks, ctx));
      } catch (e) {
        if (e instanceof FieldError) throw new CliError(e.message);
        throw e;
      }
    }
    const first = results[0]!;
    const spread: Record<string, number> = {};
    for (const r of results) {
      const k = r.dnat ? `${r.dnat.ip}:${r.dnat.port}` : r.verdict;
      spread[k] = (spread[k] ?? 0) + 1;
    }
    const value = { node: cfg.nodeName, hooks, packet: { src: `${src.ip}:${src.port ?? 40000}`, dst: `${dst.ip}:${dst.port}/${dst.proto ?? 'tcp'}` }, hits: first.hits, verdict: first.verdict, dnat: first.dnat ? `${first.dnat.ip}:${first.dnat.port}` : null, snat: first.snat ? first.snat.ip : null, ...(opts.count > 1 ? { spread } : {}) };
    emit(opts.output, value, () => {
      const lines = first.hits.map((h) => `${h.table.padEnd(6)} ${h.chain.padEnd(26)} #${String(h.index).padEnd(3)} ${h.rule}`);
      lines.push('', `verdict ${first.verdict}${value.dnat ? `, DNAT → ${value.dnat}` : ''}${value.snat ? `, MASQUERADE → ${value.snat}` : ''}`);
      if (opts.count > 1) lines.push(...Object.entries(spread).map(([k, v]) => `  ${k}: ${v}`));
      return lines.join('\n') + '\n';
    });
  });
};
