/**
 * A scenario builds a cluster inside a kernel: hosts, links, processes and what their disks held
 * when the story begins. `topology` is what the UI draws and the CLI lists.
 */
import type { Kernel, KernelOptions } from '../kernel/kernel';

export interface ComponentInfo {
  /** Process id, "<host>/<component>". */
  id: string;
  host: string;
  component: string;
  ports: number[];
  /** Control plane or node agent, for grouping in the UI. */
  plane: 'control-plane' | 'node' | 'client';
  /** True when the component has no behaviour in the simulation yet. */
  idle?: boolean;
}

export interface Topology {
  hosts: { name: string; ip: string; role: string; podCIDR?: string }[];
  components: ComponentInfo[];
  networks: { name: string; cidr: string; purpose: string }[];
}

export interface BuiltScenario {
  topology: Topology;
  /** Well-known process ids. */
  processes: { kubectl: string; apiserver: string; etcd: string };
}

export interface Scenario {
  name: string;
  description: string;
  kernelOptions(seed: number): KernelOptions;
  build(kernel: Kernel): BuiltScenario;
}

const scenarios = new Map<string, Scenario>();

export function registerScenario(s: Scenario): Scenario {
  scenarios.set(s.name, s);
  return s;
}

export function getScenario(name: string): Scenario | undefined {
  return scenarios.get(name);
}

export function scenarioNames(): string[] {
  return [...scenarios.keys()].sort();
}
