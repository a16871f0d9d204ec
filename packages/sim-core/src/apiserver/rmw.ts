/**
 * Read-modify-write requests (upstream's GuaranteedUpdate): read the object from etcd, apply a
 * change, write it back with a Txn that succeeds only if nobody wrote in between. The change is
 * data, not a function, so it can sit in the apiserver's state between the read and the write.
 *
 * Upstream: k8s.io/apiserver/pkg/storage/etcd3/store.go GuaranteedUpdate; pkg/registry/core/pod/
 * storage/storage.go (BindingREST.assignPod sets spec.nodeName and the PodScheduled condition;
 * "pod %s is already assigned to node %q"); pkg/registry/core/pod/strategy.go (graceful deletion,
 * through delete.ts); pkg/registry/core/namespace/strategy.go (namespaceFinalizeStrategy: the
 * finalize subresource changes spec.finalizers only); the status strategies (a status
 * update keeps the stored spec); k8s.io/apimachinery/pkg/util/jsonmergepatch (RFC 7386).
 */
import type { KubeObject } from '../objects/meta';
import { rfc3339 } from '../objects/meta';
import { deleteStrategyFor, planDelete } from './delete';
import { patchObject, prepareStatusUpdate } from './patch';
import type { Status } from './status';

export type Mutation =
  | { kind: 'status'; status: unknown; resourceVersion?: string; annotations?: Record<string, string> }
  | { kind: 'binding'; node: string }
  | { kind: 'graceful-delete'; graceSeconds: number | null }
  | { kind: 'namespace-finalize'; finalizers: string[]; resourceVersion?: string }
  /** `statusOf`: a patch of the kind's `/status` (the status strategy then keeps what it keeps). */
  | { kind: 'merge-patch'; patch: unknown; statusOf?: string }
  | { kind: 'scale'; replicas?: number; patch?: unknown }
  // A strategic merge patch or RFC 6902 JSON patch (patch.ts), of the object or of a subresource.
  | { kind: 'strategic-merge-patch' | 'json-patch'; patch: unknown; goType?: string; subresource?: 'status' | 'scale'; qualified: string; objectKind: string; group: string };

export type MutationResult = { ok: true; object: KubeObject; delete?: false } | { ok: true; delete: true; object: KubeObject } | { ok: false; code: 409 | 422 | 400 | 413 | 500; message: string; status?: Status };

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export function applyMutation(current: KubeObject, m: Mutation, nowMs: number): MutationResult {
  const o = structuredClone(current);
  switch (m.kind) {
    case 'status':
      o.status = structuredClone(m.status);
      // apps' status strategies reset only spec and labels (pkg/registry/apps/deployment/strategy.go
      // deploymentStatusStrategy.PrepareForUpdate): the controller's revision annotation goes through.
      if (m.annotations) o.metadata.annotations = structuredClone(m.annotations);
      return { ok: true, object: o };
    case 'binding': {
      if (o.spec?.nodeName) return { ok: false, code: 409, message: `pod ${o.metadata.name} is already assigned to node "${o.spec.nodeName}"` };
      if (o.metadata.deletionTimestamp) return { ok: false, code: 409, message: `pod ${o.metadata.name} is being deleted, cannot be assigned to a host` };
      o.spec = { ...o.spec, nodeName: m.node };
      const conds: any[] = [...(o.status?.conditions ?? [])].filter((c) => c.type !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(nowMs) });
      o.status = { ...o.status, conditions: conds };
      return { ok: true, object: o };
    }
    case 'graceful-delete': {
      // The registry's delete with the pod strategy (delete.ts): a bound pod is marked, an
      // unscheduled or terminated one (or grace 0) goes at once.
      const plan = planDelete(current, m.graceSeconds === null ? {} : { gracePeriodSeconds: m.graceSeconds }, deleteStrategyFor('', 'pods'), nowMs);
      if (!plan.ok) return { ok: false, code: plan.code, message: plan.message };
      if (plan.action === 'delete' || plan.action === 'update-then-delete') return { ok: true, delete: true, object: plan.object };
      return { ok: true, object: structuredClone(plan.object) };
    }
    case 'namespace-finalize': {
      // namespaces/finalize (FinalizeREST, finalizeStrategy): only spec.finalizers changes; the
      // request's resourceVersion must be the stored one.
      if (m.resourceVersion && m.resourceVersion !== current.metadata.resourceVersion) return { ok: false, code: 409, message: 'the object has been modified; please apply your changes to the latest version and try again' };
      o.spec = { ...(o.spec ?? {}) };
      if (m.finalizers.length) o.spec.finalizers = [...m.finalizers];
      else delete o.spec.finalizers;
      return { ok: true, object: o };
    }
    case 'merge-patch': {
      const patched = mergePatch(o, m.patch) as KubeObject;
      if (!patched || typeof patched !== 'object' || !patched.metadata) return { ok: false, code: 422, message: 'the patch removed metadata' };
      patched.metadata.name = o.metadata.name;
      if (o.metadata.namespace) patched.metadata.namespace = o.metadata.namespace;
      patched.metadata.uid = o.metadata.uid;
      patched.metadata.creationTimestamp = o.metadata.creationTimestamp;
      return { ok: true, object: m.statusOf ? prepareStatusUpdate(m.statusOf, o, patched) : patched };
    }
    case 'scale': {
      const replicas = m.replicas ?? ((m.patch as { spec?: { replicas?: number } })?.spec?.replicas as number | undefined);
      if (typeof replicas !== 'number' || !Number.isInteger(replicas)) return { ok: false, code: 422, message: `spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be an integer` };
      if (replicas < 0) return { ok: false, code: 422, message: `spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0` };
      o.spec = { ...o.spec, replicas };
      return { ok: true, object: o };
    }
    case 'strategic-merge-patch':
    case 'json-patch': {
      const req = { type: m.kind, patch: m.patch, qualified: m.qualified, kind: m.objectKind, group: m.group };
      if (m.subresource === 'scale') {
        // The scale subresource patches the autoscaling/v1 Scale, then scales to its spec.replicas
        // (an absent one decodes as 0).
        const r = patchObject(scaleOf(current) as KubeObject, { ...req, goType: 'autoscaling.Scale', kind: 'Scale', group: 'autoscaling' });
        if (!r.ok) return r;
        return applyMutation(current, { kind: 'scale', replicas: (r.object.spec as { replicas?: number } | undefined)?.replicas ?? 0 }, nowMs);
      }
      return patchObject(current, { ...req, ...(m.goType ? { goType: m.goType } : {}), status: m.subresource === 'status' });
    }
  }
}

/** autoscaling/v1 Scale for a Deployment or ReplicaSet (what `kubectl scale` reads and writes). */
export function scaleOf(o: KubeObject): unknown {
  const sel = o.spec?.selector?.matchLabels ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: Object.entries(sel).map(([k, v]) => `${k}=${v}`).sort().join(',') },
  };
}

/** Defaults a newly created Pod the way the v1 defaulting functions and admission do (the parts controllers rely on). */
export function defaultPod(o: KubeObject): void {
  const s = (o.spec ??= {});
  s.restartPolicy ??= 'Always';
  s.dnsPolicy ??= 'ClusterFirst';
  s.terminationGracePeriodSeconds ??= 30;
  s.schedulerName ??= 'default-scheduler';
  s.securityContext ??= {};
  s.enableServiceLinks ??= true;
  s.serviceAccountName ??= 'default';
  s.serviceAccount ??= s.serviceAccountName;
  s.priority ??= 0;
  s.preemptionPolicy ??= 'PreemptLowerPriority';
  s.tolerations ??= [];
  const tol = s.tolerations as any[];
  // DefaultTolerationSeconds admission: tolerate not-ready/unreachable for 300 s.
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tol.some((t) => t.key === key)) tol.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  for (const c of (s.containers ?? []) as any[]) {
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    if (!c.imagePullPolicy) {
      const tag = /:([^/:@]+)$/.exec(c.image ?? '')?.[1];
      c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
    }
    c.resources ??= {};
  }
  o.status = { phase: 'Pending', qosClass: 'BestEffort', ...(o.status ?? {}) };
}
