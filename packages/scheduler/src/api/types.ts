/**
 * The Kubernetes object shapes the scheduler reads (k8s.io/api/core/v1, apps/v1), trimmed to the
 * fields kube-scheduler v1.33's default plugins look at. Field names and nesting are the real
 * ones, so manifests load as they are. Everything the scheduler does not read is left out (and
 * tolerated: extra fields pass through untouched).
 */

export type ResourceList = Record<string, string | number>;

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | null;
  namespaces?: string[];
  topologyKey: string;
  namespaceSelector?: LabelSelector | null;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector | null;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[] | null;
  } | null;
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] | null;
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[] | null;
  } | null;
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] | null;
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[] | null;
  } | null;
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway' | string;
  labelSelector?: LabelSelector | null;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore' | string;
  nodeTaintsPolicy?: 'Honor' | 'Ignore' | string;
  matchLabelKeys?: string[];
}

export interface ContainerPort {
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
  name?: string;
}

export interface Container {
  name?: string;
  image?: string;
  ports?: ContainerPort[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
  restartPolicy?: string;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  gcePersistentDisk?: { pdName: string; readOnly?: boolean };
  awsElasticBlockStore?: { volumeID: string; readOnly?: boolean };
  iscsi?: { targetPortal: string; iqn: string; lun: number; readOnly?: boolean };
  rbd?: { monitors: string[]; pool?: string; image: string; readOnly?: boolean };
  [other: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string> | null;
  affinity?: Affinity | null;
  tolerations?: Toleration[] | null;
  containers?: Container[];
  initContainers?: Container[];
  overhead?: ResourceList | null;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never' | string;
  schedulerName?: string;
  schedulingGates?: { name: string }[];
  topologySpreadConstraints?: TopologySpreadConstraint[] | null;
  volumes?: Volume[];
}

export interface Pod {
  apiVersion?: string;
  kind?: 'Pod' | string;
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: { phase?: string; nominatedNodeName?: string; [k: string]: unknown };
}

export interface ContainerImage {
  names?: string[];
  sizeBytes?: number;
}

export interface Node {
  apiVersion?: string;
  kind?: 'Node' | string;
  metadata: ObjectMeta;
  spec?: { unschedulable?: boolean; taints?: Taint[] | null; podCIDR?: string; providerID?: string };
  status?: {
    capacity?: ResourceList;
    allocatable?: ResourceList;
    images?: ContainerImage[];
    addresses?: { type: string; address: string }[];
    [k: string]: unknown;
  };
}

export interface Service {
  kind?: 'Service';
  metadata: ObjectMeta;
  spec?: { selector?: Record<string, string> | null };
}

/** ReplicaSet / StatefulSet / ReplicationController: only the selector matters to the scheduler. */
export interface Controller {
  kind?: 'ReplicaSet' | 'StatefulSet' | 'ReplicationController' | string;
  apiVersion?: string;
  metadata: ObjectMeta;
  spec?: { selector?: LabelSelector | Record<string, string> | null };
}

export interface Namespace {
  kind?: 'Namespace';
  metadata: ObjectMeta;
}
