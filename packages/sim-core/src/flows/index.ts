export * from './flow';
export { kubectlGetPods } from './kubectl-get-pods';
