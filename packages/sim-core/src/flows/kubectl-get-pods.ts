/**
 * The seed's "Example 1: kubectl get pods": seven steps from the laptop to etcd and back.
 * Titles are the seed's words; `event` names the component event that is the step.
 */
import { defineFlow } from './flow';

export const kubectlGetPods = defineFlow({
  name: 'kubectl-get-pods',
  title: 'kubectl get pods',
  source: 'How Requests Flow — Example 1: kubectl get pods',
  steps: [
    { step: 1, title: 'Read ~/.kube/config', component: 'kubectl', event: 'kubectl.kubeconfig-read' },
    { step: 2, title: 'TLS connection to port 6443', component: 'kube-apiserver', event: 'apiserver.tls-established' },
    { step: 3, title: 'Verify client cert', component: 'kube-apiserver', event: 'apiserver.authenticated' },
    { step: 4, title: 'Check RBAC permissions', component: 'kube-apiserver', event: 'apiserver.authorized' },
    { step: 5, title: 'Query for pod objects', component: 'etcd', event: 'etcd.range' },
    { step: 6, title: 'Return pod list (JSON format)', component: 'kube-apiserver', event: 'apiserver.responded' },
    { step: 7, title: 'kubectl formats as table and prints', component: 'kubectl', event: 'kubectl.printed' },
  ],
});
