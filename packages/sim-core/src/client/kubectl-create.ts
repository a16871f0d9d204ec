/**
 * `kubectl create deployment NAME --image=IMG [--replicas=N] [-n NS]`: what kubectl v1.33 sends —
 * one POST, no discovery, to /apis/apps/v1/namespaces/<ns>/deployments?fieldManager=kubectl-create
 * &fieldValidation=Strict, the Deployment its generator builds (labels app=<name>, selector, one
 * container named after the image), and `deployment.apps/<name> created` on 201.
 *
 * Upstream: k8s.io/kubectl/pkg/cmd/create/create_deployment.go (createDeployment, buildPodSpec:
 * container name from the image's last path element without tag), the measured wire notes in
 * shared/references/kubectl-wire.md §3.5 and §4.7.
 * Differs: v1.32+ sends the body as 213 bytes of protobuf (Content-Type
 * application/vnd.kubernetes.protobuf); the headers say so here but the message carries the object
 * itself. In a flow the request carries a trace context beside the body (like a traceparent
 * header); the Deployment is exactly what kubectl builds.
 */
export interface CreateDeployment {
  name: string;
  image: string;
  replicas: number;
  namespace?: string;
}

export const CREATE_ACCEPT = 'application/vnd.kubernetes.protobuf,application/json';
export const CREATE_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export function parseCreateDeployment(args: string[]): CreateDeployment {
  if (args[1] !== 'deployment' && args[1] !== 'deploy') throw new Error(`error: unknown command "${args[1] ?? ''}" for "kubectl create" (the lab's kubectl creates deployments)`);
  let image: string | undefined;
  let replicas = 1;
  let namespace: string | undefined;
  const pos: string[] = [];
  const rest = args.slice(2);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--image=')) image = a.slice(8);
    else if (a === '--image') image = rest[++i];
    else if (a.startsWith('--replicas=')) replicas = Number(a.slice(11));
    else if (a === '--replicas' || a === '-r') replicas = Number(rest[++i]);
    else if (a === '-n' || a === '--namespace') namespace = rest[++i];
    else if (a.startsWith('--namespace=')) namespace = a.slice(12);
    else if (a.startsWith('-')) throw new Error(`error: unknown flag: ${a}`);
    else pos.push(a);
  }
  if (!pos[0]) throw new Error('error: exactly one NAME is required, got 0');
  if (!image) throw new Error('error: required flag(s) "image" not set');
  if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`error: invalid argument "${replicas}" for "-r, --replicas" flag`);
  return { name: pos[0], image, replicas, ...(namespace ? { namespace } : {}) };
}

export const createDeploymentPath = (c: CreateDeployment, defaultNamespace: string): string => `/apis/apps/v1/namespaces/${c.namespace ?? defaultNamespace}/deployments?fieldManager=kubectl-create&fieldValidation=Strict`;

/** The container name kubectl derives from the image: last path element, tag and digest cut. */
export function containerName(image: string): string {
  const last = image.split('/').pop()!;
  return last.split('@')[0]!.split(':')[0]!;
}

export function createDeploymentBody(c: CreateDeployment): unknown {
  const labels = { app: c.name };
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: c.name, creationTimestamp: null, labels },
    spec: { replicas: c.replicas, selector: { matchLabels: labels }, template: { metadata: { creationTimestamp: null, labels }, spec: { containers: [{ name: containerName(c.image), image: c.image, resources: {} }] } }, strategy: {} },
    status: {},
  };
}
