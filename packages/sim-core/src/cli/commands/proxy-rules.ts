/**
 * `lab proxy-rules -f objects.yaml [--node-name N] [--node-ip IP] [--cluster-cidr CIDR]
 *   [--masquerade-mark 0x00004000] [--localhost-nodeports|--no-localhost-nodeports] [--nfacct]
 *   [--node-addresses LIST] [--sorted] [--sync-sequence a.yaml,b.yaml,…]`: prints the
 * iptables-restore payload kube-proxy (iptables mode, as k3s runs it) would hand to
 * iptables-restore for the Services and EndpointSlices in the file. With a sequence, each sync's
 * payload follows a `# sync N full|partial` line.
 */
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { FieldError, k3sProxierConfig, parseCidr, parseIPv4, Proxier, sortIPTablesRules, validateService, type EndpointSlice, type ProxierConfig, type Service } from '@kubelab/network';
import { CliError, emit, outputOption, readInputFile, type RegisterCommand } from '../io';

/** Reads Services and EndpointSlices (a multi-document YAML, or `kind: List`) with errors naming the file and field. */
export function readObjects(path: string, flag = '-f'): { services: Service[]; slices: EndpointSlice[] } {
  const text = readInputFile(path, flag);
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  const docs = parseAllDocuments(text);
  let n = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new CliError(`${flag} ${path}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const items = (value as { kind?: string }).kind === 'List' ? ((value as { items?: unknown[] }).items ?? []) : [value];
    for (const item of items) {
      const o = item as { kind?: string; metadata?: { name?: string } };
      const where = `${path} object ${n}${o?.metadata?.name ? ` (${o.kind}/${o.metadata.name})` : ''}`;
      n++;
      try {
        if (o?.kind === 'Service') {
          validateService(o as Service);
          services.push(o as Service);
        } else if (o?.kind === 'EndpointSlice') {
          const s = o as EndpointSlice;
          if (!s.metadata?.labels?.['kubernetes.io/service-name']) throw new FieldError('metadata.labels[kubernetes.io/service-name]', '', 'the EndpointSlice must name its Service', 'Required value');
          (s.endpoints ?? []).forEach((e, i) => (e.addresses ?? []).forEach((a, j) => parseIPv4(a, `endpoints[${i}].addresses[${j}]`)));
          slices.push(s);
        } else {
          throw new FieldError('kind', o?.kind ?? '', 'supported values: "Service", "EndpointSlice"', 'Unsupported value');
        }
      } catch (e) {
        if (e instanceof FieldError) throw new CliError(`${where}: ${e.message}`);
        throw e;
      }
    }
  }
  return { services, slices };
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FieldError) throw new CliError(e.message);
    throw e;
  }
}

export interface ProxyOpts {
  nodeName: string;
  nodeIp: string;
  clusterCidr: string;
  masqueradeMark: string;
  localhostNodeports: boolean;
  nfacct?: boolean;
  randomFully: boolean;
  nodeAddresses?: string;
}

export function proxierConfigFromFlags(o: ProxyOpts): ProxierConfig {
  return wrap(() => {
    parseIPv4(o.nodeIp, '--node-ip');
    if (o.clusterCidr) parseCidr(o.clusterCidr, '--cluster-cidr');
    if (!/^0x[0-9a-fA-F]{1,8}$/.test(o.masqueradeMark)) throw new FieldError('--masquerade-mark', o.masqueradeMark, 'must be a hexadecimal mark like 0x00004000 or 0x4000');
    const addrs = o.nodeAddresses ? o.nodeAddresses.split(',').map((a, i) => (parseIPv4(a.trim(), `--node-addresses[${i}]`), a.trim())) : [];
    return { ...k3sProxierConfig(o.nodeName, o.nodeIp, o.clusterCidr), masqueradeMark: o.masqueradeMark, localhostNodePorts: o.localhostNodeports, nfacct: !!o.nfacct, randomFully: o.randomFully, nodePortAddresses: addrs };
  });
}

export function addProxyFlags(cmd: Command): Command {
  return cmd
    .option('--node-name <name>', 'the node kube-proxy runs on (decides which endpoints are local)', 'k3s-worker-1')
    .option('--node-ip <ip>', "the node's IP", '10.89.97.202')
    .option('--cluster-cidr <cidr>', 'local-traffic detector (k3s passes --cluster-cidr)', '10.42.0.0/16')
    .option('--masquerade-mark <hex>', 'printed mark: real kube-proxy 0x00004000, upstream unit tests 0x4000', '0x00004000')
    .option('--localhost-nodeports', 'NodePorts on 127.0.0.1 (kube-proxy default)', true)
    .option('--no-localhost-nodeports', 'disable NodePorts on localhost')
    .option('--nfacct', 'nfacct counters exist on the host (adds -m nfacct matches)', false)
    .option('--no-random-fully', 'iptables without --random-fully support')
    .option('--node-addresses <list>', '--nodeport-addresses resolved to node IPs, comma separated');
}

export const register: RegisterCommand = (program) => {
  const cmd = program
    .command('proxy-rules')
    .description("print the iptables-restore payload kube-proxy (iptables mode) writes for the objects' Services and EndpointSlices")
    .requiredOption('-f, --file <objects.yaml>', 'Services and EndpointSlices (multi-document YAML or a List)')
    .option('--sync-sequence <files>', 'further object files, comma separated: one sync each after the first (partial syncs)')
    .option('--sorted', "print in upstream's sortIPTablesRules order (as proxier_test.go compares)", false);
  addProxyFlags(cmd);
  cmd.addOption(outputOption(['text', 'json'])).action((opts: ProxyOpts & { file: string; syncSequence?: string; sorted: boolean; output: string; randomFully: boolean }) => {
    const cfg = proxierConfigFromFlags(opts);
    const files = [opts.file, ...(opts.syncSequence ? opts.syncSequence.split(',').map((s) => s.trim()).filter(Boolean) : [])];
    const proxier = new Proxier(cfg);
    const syncs = files.map((f, i) => {
      const { services, slices } = readObjects(f, i === 0 ? '-f' : '--sync-sequence');
      const r = wrap(() => proxier.sync(services, slices));
      return { sync: i + 1, file: f, full: r.full, largeClusterMode: r.largeClusterMode, deletedChains: r.deletedChains, text: opts.sorted ? sortIPTablesRules(r.text) : r.text };
    });
    emit(opts.output, { node: cfg.nodeName, syncs }, () => {
      if (syncs.length === 1) return syncs[0]!.text;
      return syncs.map((s) => `# sync ${s.sync} ${s.full ? 'full' : 'partial'}\n${s.text}`).join('');
    });
  });
};
