/**
 * Scripted scenarios `lab record` runs against a real API server (k3d, k3s, or `lab serve`), and
 * `lab compare` runs again in the simulation. Each step is something a learner would type:
 * `kubectl create deployment`, `kubectl scale`, `kubectl delete pod`, `kubectl cordon`/`drain`.
 * Waits poll the watched state; every object's transitions are recorded from watches.
 */
import { KubeClient } from './kube-client';
import { Recorder, type ObjectHistory } from './transitions';

export interface ScriptLog {
  step: string;
  ok: boolean;
  detail?: string;
}

export interface Recording {
  script: string;
  namespace: string;
  server: { gitVersion?: string };
  steps: ScriptLog[];
  objects: ObjectHistory[];
}

interface Ctx {
  c: KubeClient;
  ns: string;
  rec: Recorder;
  pods: Map<string, any>;
  deploy: any;
  log: ScriptLog[];
  timeoutMs: number;
}

async function must(ctx: Ctx, step: string, p: Promise<{ status: number; body: any }>, okStatuses = [200, 201]): Promise<any> {
  const r = await p;
  const ok = okStatuses.includes(r.status);
  ctx.log.push({ step, ok, ...(ok ? {} : { detail: `HTTP ${r.status}: ${r.body?.message ?? JSON.stringify(r.body)}` }) });
  if (!ok) throw new Error(`${step}: HTTP ${r.status}: ${r.body?.message ?? JSON.stringify(r.body)}`);
  return r.body;
}

async function waitFor(ctx: Ctx, step: string, cond: () => boolean): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ctx.timeoutMs) {
      ctx.log.push({ step, ok: false, detail: `timed out after ${ctx.timeoutMs / 1000}s` });
      throw new Error(`${step}: timed out after ${ctx.timeoutMs / 1000}s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  ctx.log.push({ step, ok: true });
}

const readyPods = (ctx: Ctx) => [...ctx.pods.values()].filter((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'));

const nginxDeployment = (ns: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: ns, labels: { app: 'nginx' } },
  spec: { replicas, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
});

export const SCRIPTS: Record<string, { description: string; run: (ctx: Ctx) => Promise<void> }> = {
  'nginx-lifecycle': {
    description: 'create deployment nginx ×3, scale to 5, delete a pod, cordon and drain a node, uncordon',
    async run(ctx) {
      const { c, ns } = ctx;
      await must(ctx, 'kubectl create deployment nginx --image=nginx --replicas=3', c.request('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, nginxDeployment(ns, 3)));
      await waitFor(ctx, 'wait: 3 pods Ready', () => readyPods(ctx).length === 3);
      await must(ctx, 'kubectl scale deployment nginx --replicas=5', c.request('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/nginx/scale`, { spec: { replicas: 5 } }, 'application/merge-patch+json'));
      await waitFor(ctx, 'wait: 5 pods Ready', () => readyPods(ctx).length === 5);
      // The first pod the watch showed (the oldest): a choice that does not depend on random name suffixes.
      const victim = readyPods(ctx)[0]!.metadata.name as string;
      await must(ctx, `kubectl delete pod <one of them>`, c.request('DELETE', `/api/v1/namespaces/${ns}/pods/${victim}`));
      await waitFor(ctx, 'wait: replaced, 5 pods Ready', () => !ctx.pods.has(victim) && readyPods(ctx).length === 5);
      const byNode = new Map<string, number>();
      for (const p of readyPods(ctx)) byNode.set(p.spec.nodeName, (byNode.get(p.spec.nodeName) ?? 0) + 1);
      const node = [...byNode.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
      await must(ctx, 'kubectl cordon <busiest node>', c.request('PATCH', `/api/v1/nodes/${node}`, { spec: { unschedulable: true } }, 'application/strategic-merge-patch+json'));
      for (const p of readyPods(ctx).filter((x) => x.spec.nodeName === node)) {
        await must(ctx, `kubectl drain: evict a pod`, c.request('POST', `/api/v1/namespaces/${ns}/pods/${p.metadata.name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.metadata.name, namespace: ns } }));
      }
      await waitFor(ctx, 'wait: drained, 5 pods Ready elsewhere', () => readyPods(ctx).length === 5 && readyPods(ctx).every((p) => p.spec.nodeName !== node));
      await must(ctx, 'kubectl uncordon <node>', c.request('PATCH', `/api/v1/nodes/${node}`, { spec: { unschedulable: null } }, 'application/strategic-merge-patch+json'));
    },
  },
};

export async function runScript(client: KubeClient, script: string, opts: { namespace: string; timeoutMs: number }): Promise<Recording> {
  const s = SCRIPTS[script];
  if (!s) throw new Error(`unknown script ${JSON.stringify(script)} (known: ${Object.keys(SCRIPTS).join(', ')})`);
  const rec = new Recorder();
  const ctx: Ctx = { c: client, ns: opts.namespace, rec, pods: new Map(), deploy: undefined, log: [], timeoutMs: opts.timeoutMs };
  const version = (await client.request('GET', '/version')).body;
  await must(ctx, `kubectl create namespace ${opts.namespace}`, client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: opts.namespace } }));
  const stops: (() => void)[] = [];
  const follow = (kind: string, path: string, onObj?: (type: string, o: any) => void) =>
    stops.push(
      client.watch(`${path}?watch=true&resourceVersion=0`, (ev) => {
        if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') return;
        rec.observe(kind, ev.type, ev.object);
        onObj?.(ev.type, ev.object);
      }),
    );
  follow('Deployment', `/apis/apps/v1/namespaces/${opts.namespace}/deployments`);
  follow('ReplicaSet', `/apis/apps/v1/namespaces/${opts.namespace}/replicasets`);
  follow('Pod', `/api/v1/namespaces/${opts.namespace}/pods`, (type, o) => {
    if (type === 'DELETED') ctx.pods.delete(o.metadata.name);
    else ctx.pods.set(o.metadata.name, o);
  });
  try {
    await s.run(ctx);
  } finally {
    for (const stop of stops) stop();
    await client.request('DELETE', `/api/v1/namespaces/${opts.namespace}`).catch(() => undefined);
  }
  return { script, namespace: opts.namespace, server: { gitVersion: version?.gitVersion }, steps: ctx.log, objects: rec.result() };
}
