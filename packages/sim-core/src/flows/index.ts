export * from './flow';
export { kubectlGetPods } from './kubectl-get-pods';
export { createDeployment } from './create-deployment';
