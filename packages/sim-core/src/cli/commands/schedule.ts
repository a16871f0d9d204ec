/**
 * `lab schedule -f cluster.yaml --pod pod.yaml [--config kube-scheduler-config.yaml] [--seed N]
 *   [-o json]`: one kube-scheduler v1.33 scheduling cycle (packages/scheduler) for the pod
 * against the cluster's Nodes and already-placed Pods, explained: which filter rejected each
 * node and why, then the raw, normalized and weighted score of every score plugin, the totals
 * and the node chosen (ties broken by the seeded `kube-scheduler` random stream, as selectHost
 * breaks them with math/rand). Unschedulable: upstream's FitError message.
 *
 * cluster.yaml is multi-document YAML (or a `kind: List`) of Nodes (status.allocatable, labels,
 * spec.taints, status.images) and Pods (spec.nodeName set = already placed); Services,
 * ReplicaSets, StatefulSets, ReplicationControllers and Namespaces are read too (spreading and
 * namespaceSelector need them).
 */
import type { Command } from 'commander';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ConfigError, createScheduler, type ClusterObjects, type Controller, type KubeSchedulerConfiguration, type Namespace, type Node, type Pod, type Rand, type ScheduleResult, type Scheduler, type Service } from '@kubelab/scheduler';
import { RngStreams } from '../../kernel/rng';
import { CliError, emit, intArg, outputOption, readInputFile, type RegisterCommand } from '../io';

/** The seeded stream kube-scheduler's selectHost draws from (rand.Intn). */
export function schedulerRand(seed: number): Rand {
  const rng = new RngStreams(seed).stream('kube-scheduler');
  return { intn: (n: number) => rng.int(0, n - 1) };
}

function docsOf(path: string, flag: string): { value: Record<string, unknown>; where: string }[] {
  const text = readInputFile(path, flag);
  const out: { value: Record<string, unknown>; where: string }[] = [];
  let n = 0;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new CliError(`${flag} ${path}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const items = (value as { kind?: string }).kind === 'List' ? ((value as { items?: unknown[] }).items ?? []) : [value];
    for (const item of items) {
      const o = item as { kind?: string; metadata?: { name?: string } };
      const where = `${flag} ${path}: object ${n}${o?.kind && o?.metadata?.name ? ` (${o.kind}/${o.metadata.name})` : ''}`;
      n++;
      if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new CliError(`${where}: Invalid value: must be a Kubernetes object`);
      out.push({ value: o as Record<string, unknown>, where });
    }
  }
  return out;
}

function checkMeta(o: Record<string, unknown>, where: string): void {
  const m = o['metadata'] as { name?: unknown } | undefined;
  if (!m || typeof m.name !== 'string' || m.name === '') throw new CliError(`${where}: metadata.name: Required value`);
}

function checkPod(p: Pod, where: string): void {
  checkMeta(p as unknown as Record<string, unknown>, where);
  if (!p.spec || typeof p.spec !== 'object') throw new CliError(`${where}: spec: Required value`);
  if (!Array.isArray(p.spec.containers) || p.spec.containers.length === 0) throw new CliError(`${where}: spec.containers: Required value`);
  p.metadata.namespace ??= 'default';
}

/** Reads cluster.yaml into the scheduler's plain objects, with errors naming file, object and field. */
export function readCluster(path: string, flag = '-f'): ClusterObjects & { nodes: Node[]; pods: Pod[] } {
  const c = { nodes: [] as Node[], pods: [] as Pod[], services: [] as Service[], replicaSets: [] as Controller[], statefulSets: [] as Controller[], replicationControllers: [] as Controller[], namespaces: [] as Namespace[] };
  const names = new Set<string>();
  for (const { value, where } of docsOf(path, flag)) {
    const kind = value['kind'];
    checkMeta(value, where);
    switch (kind) {
      case 'Node': {
        const n = value as unknown as Node;
        if (names.has(n.metadata.name!)) throw new CliError(`${where}: metadata.name: Duplicate value: ${JSON.stringify(n.metadata.name)}`);
        names.add(n.metadata.name!);
        c.nodes.push(n);
        break;
      }
      case 'Pod':
        checkPod(value as unknown as Pod, where);
        c.pods.push(value as unknown as Pod);
        break;
      case 'Service':
        c.services.push(value as unknown as Service);
        break;
      case 'ReplicaSet':
        c.replicaSets.push(value as unknown as Controller);
        break;
      case 'StatefulSet':
        c.statefulSets.push(value as unknown as Controller);
        break;
      case 'ReplicationController':
        c.replicationControllers.push(value as unknown as Controller);
        break;
      case 'Namespace':
        c.namespaces.push(value as unknown as Namespace);
        break;
      default:
        throw new CliError(`${where}: kind: Unsupported value: ${JSON.stringify(kind ?? '')}: supported values: "Node", "Pod", "Service", "ReplicaSet", "StatefulSet", "ReplicationController", "Namespace"`);
    }
  }
  c.pods.forEach((p, i) => {
    if (p.spec.nodeName && !names.has(p.spec.nodeName)) throw new CliError(`${flag} ${path}: Pod/${p.metadata.name}: spec.nodeName: Not found: ${JSON.stringify(p.spec.nodeName)} (pod ${i})`);
  });
  return c;
}

/** Reads Pods (one or more) from a file. */
export function readPods(path: string, flag: string): Pod[] {
  const pods: Pod[] = [];
  for (const { value, where } of docsOf(path, flag)) {
    if (value['kind'] !== 'Pod') throw new CliError(`${where}: kind: Unsupported value: ${JSON.stringify(value['kind'] ?? '')}: supported values: "Pod"`);
    checkPod(value as unknown as Pod, where);
    pods.push(value as unknown as Pod);
  }
  if (pods.length === 0) throw new CliError(`${flag} ${path}: no Pod in the file`);
  return pods;
}

/** Builds the scheduler from a config file, mapping config errors to the flag. */
export function schedulerFrom(config: KubeSchedulerConfiguration | string | undefined, flag: string, path?: string): Scheduler {
  try {
    return createScheduler(config);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`${flag}${path ? ` ${path}` : ''}: ${e.message}`);
    throw e;
  }
}

/** Runs a library call, turning its thrown input errors (bad quantities, selectors) into CliErrors. */
export function guard<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError)) throw new CliError(`${what}: ${e.message}`);
    throw e;
  }
}

function table(header: string[], rows: string[][], leftAll = false): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || leftAll ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The human explanation: filters, then raw / normalized / weighted score tables, then the pick. */
export function renderResult(r: ScheduleResult, nodeOrder: string[]): string {
  let out = `pod ${r.pod} (profile ${r.profile})\n\n`;
  out += `Filter: ${r.evaluatedNodes} of ${r.numAllNodes} node(s) evaluated, ${r.feasibleNodes} feasible\n`;
  const frows = nodeOrder.map((n) => [n, r.filtered[n] !== undefined ? `rejected by ${r.filteredBy[n] || '-'}: ${r.filtered[n]}` : r.totals[n] !== undefined || r.selected === n ? 'passed' : 'not evaluated']);
  out += table(['NODE', 'RESULT'], frows, true);
  if (r.skipped.filter.length) out += `(PreFilter skipped: ${r.skipped.filter.join(', ')})\n`;
  const scored = nodeOrder.filter((n) => r.scores[n]);
  if (scored.length > 0) {
    const plugins = Object.keys(r.scores[scored[0]!]!);
    const short = plugins.map((p) => `${p}×${r.weights[p]}`);
    for (const [title, key] of [
      ['Raw scores (plugin Score)', 'raw'],
      ['Normalized scores (NormalizeScore, 0-100)', 'normalized'],
      ['Weighted scores (normalized × weight)', 'weighted'],
    ] as const) {
      out += `\n${title}\n`;
      const rows = scored.map((n) => [n, ...plugins.map((p) => String(r.scores[n]![p]![key])), ...(key === 'weighted' ? [String(r.totals[n])] : [])]);
      out += table(['NODE', ...(key === 'weighted' ? short : plugins), ...(key === 'weighted' ? ['TOTAL'] : [])], rows);
    }
    if (r.skipped.score.length) out += `(PreScore skipped: ${r.skipped.score.join(', ')})\n`;
    if (r.scoringSkipped) out += '(only one node was feasible: kube-scheduler picks it without scoring; the scores are shown to explain)\n';
  }
  out += '\n';
  if (r.selected) {
    const ties = r.top && r.top.length > 1 ? r.top.filter((t) => t.total === r.top![0]!.total).length : 1;
    out += `Selected: ${r.selected}${r.totals[r.selected] !== undefined ? ` (total ${r.totals[r.selected]}${ties > 1 ? `, tied with ${ties - 1} other node(s); selectHost drew among them` : ''})` : ''}\n`;
  } else {
    out += `Unschedulable: ${r.message ?? ''}\n`;
    if (r.nominatedNodeName) out += `Preemption would nominate ${r.nominatedNodeName}${r.postFilter?.victims ? ` (victims: ${r.postFilter.victims.join(', ')})` : ''}\n`;
  }
  return out;
}

export const register: RegisterCommand = (program: Command) => {
  program
    .command('schedule')
    .description('one kube-scheduler v1.33 scheduling cycle for a pod: filters, raw/normalized/weighted scores, the node chosen, or the FitError')
    .requiredOption('-f, --file <cluster.yaml>', 'Nodes and placed Pods (multi-document YAML or a List)')
    .requiredOption('--pod <pod.yaml>', 'the Pod to schedule')
    .option('--config <kube-scheduler-config.yaml>', 'a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1)')
    .option('--seed <n>', "seed of the scheduler's random stream (ties among top scores)", intArg('--seed'), 1)
    .addOption(outputOption(['text', 'json']))
    .action((o: { file: string; pod: string; config?: string; seed: number; output: string }) => {
      const cluster = readCluster(o.file);
      const pods = readPods(o.pod, '--pod');
      if (pods.length !== 1) throw new CliError(`--pod ${o.pod}: expected exactly one Pod, found ${pods.length}`);
      const pod = pods[0]!;
      if (pod.spec.nodeName) throw new CliError(`--pod ${o.pod}: Pod/${pod.metadata.name}: spec.nodeName: Invalid value: ${JSON.stringify(pod.spec.nodeName)}: the pod is already placed`);
      const sched = o.config ? schedulerFrom(guard(`--config ${o.config}`, () => parseYaml(readInputFile(o.config!, '--config')) as KubeSchedulerConfiguration), '--config', o.config) : createScheduler();
      const r = guard(`-f ${o.file}`, () => sched.scheduleOne(cluster, pod, schedulerRand(o.seed)));
      emit(o.output, r, () => renderResult(r, cluster.nodes.map((n) => n.metadata.name!)));
    });
};
