/**
 * `lab what-if -f cluster.yaml --pods pods.yaml --variant variant.yaml [--config base-config.yaml]
 *   [--seed N] [-o json]`: places the same pods one at a time (PrioritySort order, each pod
 * assumed on its node before the next cycle) on the cluster as it is and on a variant of it,
 * with the same seed, and reports which pods moved, with both explanations.
 *
 * variant.yaml:
 *   edits:                                 # applied in order to cluster.yaml and pods.yaml
 *     - taint: {node: N, key: K, value: V, effect: NoSchedule}
 *     - untaint: {node: N, key: K}
 *     - cordon: N                          # spec.unschedulable: true
 *     - uncordon: N
 *     - label: {node: N, key: K, value: V} # value null removes the label
 *     - addNode: {kind: Node, ...}
 *     - removeNode: N                      # its placed pods go with it
 *     - requests: {pod: P, container: C, requests: {cpu: 500m}}   # container defaults to all
 *     - pod: {kind: Pod, ...}              # replaces (or adds) a pod to place, by name
 *   config: {apiVersion: kubescheduler.config.k8s.io/v1, kind: KubeSchedulerConfiguration, ...}
 */
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { placePods, type KubeSchedulerConfiguration, type Node, type Pod, type Taint } from '@kubelab/scheduler';
import { CliError, emit, intArg, outputOption, readInputFile, type RegisterCommand } from '../io';
import { guard, readCluster, readPods, renderResult, schedulerFrom, schedulerRand } from './schedule';

type Cluster = ReturnType<typeof readCluster>;

const editKinds = ['taint', 'untaint', 'cordon', 'uncordon', 'label', 'addNode', 'removeNode', 'requests', 'pod'];

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Applies a variant's edits to copies of the cluster and the pods. */
export function applyEdits(cluster: Cluster, pods: Pod[], edits: unknown, where: string): { cluster: Cluster; pods: Pod[] } {
  const c = clone(cluster);
  let ps = clone(pods);
  if (edits == null) return { cluster: c, pods: ps };
  if (!Array.isArray(edits)) throw new CliError(`${where}: edits: Invalid value: must be a list`);
  const nodeNamed = (name: unknown, field: string): Node => {
    const n = c.nodes.find((x) => x.metadata.name === name);
    if (!n) throw new CliError(`${where}: ${field}: Not found: ${JSON.stringify(name)}`);
    return n;
  };
  edits.forEach((e: Record<string, unknown>, i) => {
    const at = `edits[${i}]`;
    const keys = e && typeof e === 'object' ? Object.keys(e) : [];
    if (keys.length !== 1 || !editKinds.includes(keys[0]!)) throw new CliError(`${where}: ${at}: Unsupported value: ${JSON.stringify(keys.join(',') || e)}: supported values: ${editKinds.map((k) => JSON.stringify(k)).join(', ')}`);
    const kind = keys[0]!;
    const v = e[kind] as Record<string, unknown> & string;
    switch (kind) {
      case 'taint': {
        const n = nodeNamed(v?.node, `${at}.taint.node`);
        if (typeof v.key !== 'string' || v.key === '') throw new CliError(`${where}: ${at}.taint.key: Required value`);
        const effect = (v.effect as string) ?? 'NoSchedule';
        if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) throw new CliError(`${where}: ${at}.taint.effect: Unsupported value: ${JSON.stringify(effect)}: supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`);
        const t: Taint = { key: v.key, effect, ...(v.value != null ? { value: String(v.value) } : {}) };
        n.spec = { ...(n.spec ?? {}), taints: [...(n.spec?.taints ?? []).filter((x) => !(x.key === t.key && x.effect === t.effect)), t] };
        break;
      }
      case 'untaint': {
        const n = nodeNamed(v?.node, `${at}.untaint.node`);
        n.spec = { ...(n.spec ?? {}), taints: (n.spec?.taints ?? []).filter((x) => x.key !== v.key) };
        break;
      }
      case 'cordon':
      case 'uncordon': {
        const n = nodeNamed(v, `${at}.${kind}`);
        n.spec = { ...(n.spec ?? {}), unschedulable: kind === 'cordon' };
        break;
      }
      case 'label': {
        const n = nodeNamed(v?.node, `${at}.label.node`);
        if (typeof v.key !== 'string' || v.key === '') throw new CliError(`${where}: ${at}.label.key: Required value`);
        const labels = { ...(n.metadata.labels ?? {}) };
        if (v.value == null) delete labels[v.key];
        else labels[v.key] = String(v.value);
        n.metadata.labels = labels;
        break;
      }
      case 'addNode': {
        const n = v as unknown as Node;
        if (!n || typeof n !== 'object' || typeof n.metadata?.name !== 'string') throw new CliError(`${where}: ${at}.addNode.metadata.name: Required value`);
        if (c.nodes.some((x) => x.metadata.name === n.metadata.name)) throw new CliError(`${where}: ${at}.addNode.metadata.name: Duplicate value: ${JSON.stringify(n.metadata.name)}`);
        c.nodes.push({ ...n, kind: 'Node' });
        break;
      }
      case 'removeNode': {
        nodeNamed(v, `${at}.removeNode`);
        c.nodes = c.nodes.filter((x) => x.metadata.name !== v);
        c.pods = c.pods.filter((p) => p.spec.nodeName !== v);
        break;
      }
      case 'requests': {
        const name = v?.pod;
        const targets = [...ps, ...c.pods].filter((p) => p.metadata.name === name);
        if (targets.length === 0) throw new CliError(`${where}: ${at}.requests.pod: Not found: ${JSON.stringify(name)}`);
        if (!v.requests || typeof v.requests !== 'object') throw new CliError(`${where}: ${at}.requests.requests: Required value`);
        for (const p of targets) {
          const cs = (p.spec.containers ?? []).filter((x) => v.container === undefined || x.name === v.container);
          if (cs.length === 0) throw new CliError(`${where}: ${at}.requests.container: Not found: ${JSON.stringify(v.container)}`);
          for (const ct of cs) ct.resources = { ...(ct.resources ?? {}), requests: { ...(ct.resources?.requests ?? {}), ...(v.requests as Record<string, string>) } };
        }
        break;
      }
      case 'pod': {
        const p = v as unknown as Pod;
        if (!p || typeof p !== 'object' || typeof p.metadata?.name !== 'string') throw new CliError(`${where}: ${at}.pod.metadata.name: Required value`);
        if (!p.spec || !Array.isArray(p.spec.containers) || p.spec.containers.length === 0) throw new CliError(`${where}: ${at}.pod.spec.containers: Required value`);
        const np: Pod = { ...p, kind: 'Pod', metadata: { namespace: 'default', ...p.metadata } };
        const i2 = ps.findIndex((x) => x.metadata.name === np.metadata.name && (x.metadata.namespace ?? 'default') === np.metadata.namespace);
        if (i2 >= 0) ps[i2] = np;
        else ps = [...ps, np];
        break;
      }
    }
  });
  return { cluster: c, pods: ps };
}

export const register: RegisterCommand = (program: Command) => {
  program
    .command('what-if')
    .description('place the same pods (same seed) on the cluster and on a variant of it; report which pods moved and why')
    .requiredOption('-f, --file <cluster.yaml>', 'Nodes and placed Pods (multi-document YAML or a List)')
    .requiredOption('--pods <pods.yaml>', 'the Pods to place, one at a time')
    .requiredOption('--variant <variant.yaml>', 'edits to the cluster and/or a KubeSchedulerConfiguration')
    .option('--config <kube-scheduler-config.yaml>', 'the base KubeSchedulerConfiguration (default: the v1.33 default profile)')
    .option('--seed <n>', "seed of the scheduler's random stream, the same for both runs", intArg('--seed'), 1)
    .addOption(outputOption(['text', 'json']))
    .action((o: { file: string; pods: string; variant: string; config?: string; seed: number; output: string }) => {
      const cluster = readCluster(o.file);
      const pods = readPods(o.pods, '--pods');
      for (const p of pods) if (p.spec.nodeName) throw new CliError(`--pods ${o.pods}: Pod/${p.metadata.name}: spec.nodeName: Invalid value: ${JSON.stringify(p.spec.nodeName)}: pods to place must not be placed yet`);
      const vText = readInputFile(o.variant, '--variant');
      const variant = guard(`--variant ${o.variant}`, () => parseYaml(vText) as { edits?: unknown; config?: KubeSchedulerConfiguration } | null) ?? {};
      if (typeof variant !== 'object' || Array.isArray(variant)) throw new CliError(`--variant ${o.variant}: Invalid value: must be a mapping with edits and/or config`);
      for (const k of Object.keys(variant)) if (k !== 'edits' && k !== 'config') throw new CliError(`--variant ${o.variant}: ${k}: Unsupported value: supported fields: "edits", "config"`);
      const baseConfig = o.config ? guard(`--config ${o.config}`, () => parseYaml(readInputFile(o.config!, '--config')) as KubeSchedulerConfiguration) : undefined;
      const baseSched = schedulerFrom(baseConfig, '--config', o.config);
      const varSched = schedulerFrom(variant.config ?? baseConfig, '--variant', `${o.variant} config`);
      const v = applyEdits(cluster, pods, variant.edits, `--variant ${o.variant}`);
      const a = guard(`-f ${o.file}`, () => placePods(baseSched, cluster, pods, schedulerRand(o.seed)));
      const b = guard(`--variant ${o.variant}`, () => placePods(varSched, v.cluster, v.pods, schedulerRand(o.seed)));
      const byPod = new Map(b.map((p) => [p.pod, p]));
      const moved = a.filter((p) => byPod.has(p.pod) && byPod.get(p.pod)!.node !== p.node).map((p) => ({ pod: p.pod, base: p.node, variant: byPod.get(p.pod)!.node, baseResult: p.result, variantResult: byPod.get(p.pod)!.result }));
      const result = {
        seed: o.seed,
        moved,
        unchanged: a.filter((p) => byPod.has(p.pod) && byPod.get(p.pod)!.node === p.node).map((p) => ({ pod: p.pod, node: p.node })),
        base: a.map((p) => ({ pod: p.pod, node: p.node, ...(p.result.message ? { message: p.result.message } : {}) })),
        variant: b.map((p) => ({ pod: p.pod, node: p.node, ...(p.result.message ? { message: p.result.message } : {}) })),
      };
      emit(o.output, result, () => {
        const w = Math.max(3, ...a.map((p) => p.pod.length));
        let out = `${'POD'.padEnd(w)}  ${'BASE'.padEnd(14)}  VARIANT\n`;
        for (const p of a) out += `${p.pod.padEnd(w)}  ${(p.node ?? '(pending)').padEnd(14)}  ${byPod.get(p.pod)?.node ?? '(pending)'}${byPod.get(p.pod)?.node !== p.node ? '   <- moved' : ''}\n`;
        out += `\n${moved.length} pod(s) moved.\n`;
        const baseNodes = cluster.nodes.map((n) => n.metadata.name!);
        const varNodes = v.cluster.nodes.map((n) => n.metadata.name!);
        for (const m of moved) {
          out += `\n=== ${m.pod}: ${m.base ?? '(pending)'} -> ${m.variant ?? '(pending)'}\n--- base\n${renderResult(m.baseResult, baseNodes)}--- variant\n${renderResult(m.variantResult, varNodes)}`;
        }
        return out;
      });
    });
};
