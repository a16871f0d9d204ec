/**
 * The seed's "Example 2: Create a Deployment": twelve steps from kubectl to a running pod.
 * Titles are the seed's words; `event` names the component event that is the step. Steps 1 and 4
 * are narrated by kubectl and kube-apiserver on the request itself; 5–12 by the controllers,
 * the scheduler and the kubelet, which learn the flow from the `kubelab.dev/trace` annotation the
 * lab's kubectl puts on the Deployment (see client/kubectl-create.ts). Steps 2 and 3 need
 * kube-apiserver to narrate `apiserver.validated` and etcd `etcd.txn` (owned by the apiserver and
 * etcd models; not emitted yet).
 */
import { defineFlow } from './flow';

export const createDeployment = defineFlow({
  name: 'create-deployment',
  title: 'kubectl create deployment',
  source: 'How Requests Flow — Example 2: Create a Deployment',
  steps: [
    { step: 1, title: 'kubectl sends Deployment object to API server', component: 'kubectl', event: 'kubectl.deployment-sent' },
    { step: 2, title: 'Validate Deployment spec', component: 'kube-apiserver', event: 'apiserver.validated' },
    { step: 3, title: 'Store in etcd', component: 'kube-apiserver', event: 'etcd.txn' },
    { step: 4, title: 'Return success to kubectl', component: 'kube-apiserver', event: 'apiserver.responded' },
    { step: 5, title: 'Create a ReplicaSet (desired: 3 replicas)', component: 'kube-controller-manager', event: 'kcm.replicaset-created' },
    { step: 6, title: 'Create 3 Pod objects', component: 'kube-controller-manager', event: 'kcm.pods-created' },
    { step: 7, title: 'Watches for unscheduled pods', component: 'kube-scheduler', event: 'scheduler.pod-seen' },
    { step: 8, title: 'For each pod: Score all nodes (available resources), Pick best node, Update pod.spec.nodeName in etcd', component: 'kube-scheduler', event: 'scheduler.bound' },
    { step: 9, title: 'Watches API for pods assigned to this node', component: 'kubelet', event: 'kubelet.watching' },
    { step: 10, title: 'Sees new pod assigned', component: 'kubelet', event: 'kubelet.pod-seen' },
    { step: 11, title: 'Tells containerd to pull image & start', component: 'kubelet', event: 'kubelet.containers-started' },
    { step: 12, title: 'Reports pod status back to API server', component: 'kubelet', event: 'kubelet.status-reported' },
  ],
});
