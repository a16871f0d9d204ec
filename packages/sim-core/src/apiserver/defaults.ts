/**
 * Defaulting of apps/v1 workloads and their pod templates, as the v1 defaulters run on every
 * decoded object (so a Deployment read back shows strategy 25%/25%, revisionHistoryLimit 10 and
 * progressDeadlineSeconds 600, and its template dnsPolicy ClusterFirst, restartPolicy Always…).
 *
 * Upstream (v1.33): pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment, SetDefaults_ReplicaSet),
 * pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec: dnsPolicy, restartPolicy,
 * terminationGracePeriodSeconds, securityContext, schedulerName; SetDefaults_Container:
 * terminationMessagePath/Policy, imagePullPolicy from the tag; SetDefaults_ContainerPort:
 * protocol TCP). Pod-only defaults (serviceAccountName, tolerations, priority,
 * enableServiceLinks) come from admission and SetDefaults_Pod and are in rmw.ts defaultPod.
 */
import type { KubeObject } from '../objects/meta';

export function defaultContainer(c: any): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (!c.imagePullPolicy) {
    const tag = /:([^/:@]+)$/.exec(c.image ?? '')?.[1];
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  for (const p of (c.ports ?? []) as any[]) p.protocol ??= 'TCP';
}

export function defaultPodSpec(s: any): void {
  s.restartPolicy ??= 'Always';
  s.dnsPolicy ??= 'ClusterFirst';
  s.terminationGracePeriodSeconds ??= 30;
  s.securityContext ??= {};
  s.schedulerName ??= 'default-scheduler';
  for (const c of (s.containers ?? []) as any[]) if (c && typeof c === 'object') defaultContainer(c);
}

export function defaultDeployment(d: KubeObject): void {
  const s = (d.spec ??= {});
  s.replicas ??= 1;
  s.strategy ??= {};
  if (!s.strategy.type) s.strategy.type = 'RollingUpdate';
  if (s.strategy.type === 'RollingUpdate') {
    s.strategy.rollingUpdate ??= {};
    s.strategy.rollingUpdate.maxUnavailable ??= '25%';
    s.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  s.revisionHistoryLimit ??= 10;
  s.progressDeadlineSeconds ??= 600;
  if (s.template?.spec) defaultPodSpec(s.template.spec);
}

export function defaultReplicaSet(rs: KubeObject): void {
  const s = (rs.spec ??= {});
  s.replicas ??= 1;
  if (s.template?.spec) defaultPodSpec(s.template.spec);
}
