import type { Condition, KubeObject, LabelSelector, LocalObjectReference, ObjectMeta } from './meta.js';

/** A resource amount as written in manifests: `'500m'`, `'128Mi'`, `2`. Parse with `Quantity.parse`. */
export type QuantityValue = string | number;

/** Resource name to amount, e.g. `{ cpu: '500m', memory: '128Mi', pods: '110' }`. */
export type ResourceList = Record<string, QuantityValue>;

/** Requests reserve capacity for scheduling; limits cap what a container may use. */
export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

/** One environment variable, literal or taken from another object. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string; apiVersion?: string };
    resourceFieldRef?: { resource: string; containerName?: string; divisor?: QuantityValue };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

/** Imports every key of a ConfigMap or Secret as environment variables. */
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

/** A port a container listens on; `hostPort` maps it on the node. */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: Protocol;
}

/** Transport protocols for ports. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** Where a volume appears inside a container. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

/** A port given by number or by the name of a container port. */
export type IntOrString = number | string;

/** How a probe or hook acts: run a command, make an HTTP GET, or open a TCP connection. */
export interface ProbeHandler {
  exec?: { command: string[] };
  httpGet?: {
    path?: string;
    port: IntOrString;
    host?: string;
    scheme?: 'HTTP' | 'HTTPS';
    httpHeaders?: { name: string; value: string }[];
  };
  tcpSocket?: { port: IntOrString; host?: string };
}

/** A periodic health check, with the kubelet's timing fields (seconds). */
export interface Probe extends ProbeHandler {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

/** postStart / preStop hooks. */
export interface Lifecycle {
  postStart?: ProbeHandler;
  preStop?: ProbeHandler & { sleep?: { seconds: number } };
}

/** One container of a pod. */
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  ports?: ContainerPort[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  resources?: ResourceRequirements;
  volumeMounts?: VolumeMount[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: Lifecycle;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  terminationMessagePath?: string;
  /** Sidecar init containers (`Always`) keep running beside the app containers. */
  restartPolicy?: 'Always';
  securityContext?: Record<string, unknown>;
  stdin?: boolean;
  tty?: boolean;
}

/** A volume a pod's containers can mount. */
export interface Volume {
  name: string;
  emptyDir?: { medium?: '' | 'Memory'; sizeLimit?: QuantityValue };
  hostPath?: { path: string; type?: string };
  configMap?: {
    name: string;
    items?: { key: string; path: string; mode?: number }[];
    optional?: boolean;
    defaultMode?: number;
  };
  secret?: {
    secretName: string;
    items?: { key: string; path: string; mode?: number }[];
    optional?: boolean;
    defaultMode?: number;
  };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  downwardAPI?: { items: { path: string; fieldRef?: { fieldPath: string } }[] };
  projected?: Record<string, unknown>;
}

/** Lets a pod be scheduled onto (or stay on) nodes with matching taints. */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect;
  /** For NoExecute: how long the pod stays after the taint appears; absent = forever. */
  tolerationSeconds?: number;
}

/** What a taint does to pods that do not tolerate it. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** Repels pods from a node unless they tolerate it. */
export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string;
}

/** A requirement on node labels or fields. */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/** Requirements ANDed within a term; terms are ORed. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** Node affinity: hard and soft rules over node labels. */
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
  preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: NodeSelectorTerm }[];
}

/** Co-locate with (or away from) pods matching a selector within a topology domain. */
export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

/** Weighted soft inter-pod term. */
export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

/** Inter-pod affinity or anti-affinity. */
export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

/** All scheduling affinity rules of a pod. */
export interface Affinity {
  nodeAffinity?: NodeAffinity;
  podAffinity?: PodAffinity;
  podAntiAffinity?: PodAffinity;
}

/** Spread matching pods evenly across topology domains. */
export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector;
  minDomains?: number;
  matchLabelKeys?: string[];
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
}

/** The desired state of a pod. */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  schedulerName?: string;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  topologySpreadConstraints?: TopologySpreadConstraint[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  enableServiceLinks?: boolean;
  overhead?: ResourceList;
  imagePullSecrets?: LocalObjectReference[];
  securityContext?: Record<string, unknown>;
}

/** The state of one container as the node agent reports it. */
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    exitCode: number;
    signal?: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
  };
}

/** A container's observed status. */
export interface ContainerStatus {
  name: string;
  state?: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  image: string;
  imageID?: string;
  containerID?: string;
}

/** Pod lifecycle phase. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** The observed state of a pod. */
export interface PodStatus {
  phase?: PodPhase;
  conditions?: Condition[];
  message?: string;
  reason?: string;
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  nominatedNodeName?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  qosClass?: 'Guaranteed' | 'Burstable' | 'BestEffort';
}

/** The unit of scheduling: one or more containers sharing a network namespace. */
export interface Pod extends KubeObject {
  apiVersion: 'v1';
  kind: 'Pod';
  spec: PodSpec;
  status?: PodStatus;
}

/** A pod's template inside a workload (ReplicaSet, Deployment, Job, ...). */
export interface PodTemplateSpec {
  metadata?: Partial<ObjectMeta>;
  spec: PodSpec;
}

/** An address of a node. */
export interface NodeAddress {
  type: 'Hostname' | 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS';
  address: string;
}

/** The desired state of a node. */
export interface NodeSpec {
  podCIDR?: string;
  podCIDRs?: string[];
  providerID?: string;
  unschedulable?: boolean;
  taints?: Taint[];
}

/** An image a node holds, used by ImageLocality scoring. */
export interface ContainerImage {
  names: string[];
  sizeBytes?: number;
}

/** The observed state of a node. */
export interface NodeStatus {
  capacity?: ResourceList;
  allocatable?: ResourceList;
  phase?: string;
  conditions?: Condition[];
  addresses?: NodeAddress[];
  daemonEndpoints?: { kubeletEndpoint?: { Port: number } };
  nodeInfo?: {
    machineID?: string;
    systemUUID?: string;
    bootID?: string;
    kernelVersion?: string;
    osImage?: string;
    containerRuntimeVersion?: string;
    kubeletVersion?: string;
    kubeProxyVersion?: string;
    operatingSystem?: string;
    architecture?: string;
  };
  images?: ContainerImage[];
}

/** A worker machine. Cluster-scoped. */
export interface Node extends KubeObject {
  apiVersion: 'v1';
  kind: 'Node';
  spec?: NodeSpec;
  status?: NodeStatus;
}

/** One port a Service exposes. */
export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  port: number;
  targetPort?: IntOrString;
  nodePort?: number;
  appProtocol?: string;
}

/** Service types. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

/** The desired state of a Service. */
export interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: ServicePort[];
  type?: ServiceType;
  /** An IPv4 address, or `'None'` for a headless service. */
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  externalName?: string;
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  healthCheckNodePort?: number;
  publishNotReadyAddresses?: boolean;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
}

/** The observed state of a Service. */
export interface ServiceStatus {
  loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
  conditions?: Condition[];
}

/** A stable virtual address for a set of pods. */
export interface Service extends KubeObject {
  apiVersion: 'v1';
  kind: 'Service';
  spec: ServiceSpec;
  status?: ServiceStatus;
}

/** One address in an Endpoints subset. */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

/** The legacy endpoint list of a Service. */
export interface Endpoints extends KubeObject {
  apiVersion: 'v1';
  kind: 'Endpoints';
  subsets?: {
    addresses?: EndpointAddress[];
    notReadyAddresses?: EndpointAddress[];
    ports?: { name?: string; port: number; protocol?: Protocol; appProtocol?: string }[];
  }[];
}

/** Namespace: a scope for names. Deleting it deletes everything in it. */
export interface Namespace extends KubeObject {
  apiVersion: 'v1';
  kind: 'Namespace';
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating'; conditions?: Condition[] };
}

/** Non-secret configuration as key-value pairs. */
export interface ConfigMap extends KubeObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** Secret data; `data` values are base64, `stringData` is merged into `data` on write. */
export interface Secret extends KubeObject {
  apiVersion: 'v1';
  kind: 'Secret';
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

/** An identity for processes in pods. */
export interface ServiceAccount extends KubeObject {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
  secrets?: { name: string }[];
  automountServiceAccountToken?: boolean;
}

/** Access modes of a volume. */
export type PersistentVolumeAccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/** Storage provisioned in the cluster. Cluster-scoped. */
export interface PersistentVolume extends KubeObject {
  apiVersion: 'v1';
  kind: 'PersistentVolume';
  spec: {
    capacity?: ResourceList;
    accessModes?: PersistentVolumeAccessMode[];
    persistentVolumeReclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
    storageClassName?: string;
    claimRef?: {
      namespace?: string;
      name?: string;
      uid?: string;
      kind?: string;
      apiVersion?: string;
      resourceVersion?: string;
    };
    hostPath?: { path: string; type?: string };
    local?: { path: string };
    nodeAffinity?: { required?: { nodeSelectorTerms: NodeSelectorTerm[] } };
    volumeMode?: 'Filesystem' | 'Block';
    mountOptions?: string[];
  };
  status?: { phase?: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed'; message?: string; reason?: string };
}

/** A request for storage by a user. */
export interface PersistentVolumeClaim extends KubeObject {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  spec: {
    accessModes?: PersistentVolumeAccessMode[];
    selector?: LabelSelector;
    resources?: { requests?: ResourceList; limits?: ResourceList };
    volumeName?: string;
    storageClassName?: string;
    volumeMode?: 'Filesystem' | 'Block';
  };
  status?: {
    phase?: 'Pending' | 'Bound' | 'Lost';
    accessModes?: PersistentVolumeAccessMode[];
    capacity?: ResourceList;
    conditions?: Condition[];
  };
}

/** A report of something that happened to an object. */
export interface Event extends KubeObject {
  apiVersion: 'v1';
  kind: 'Event';
  involvedObject: {
    kind: string;
    namespace?: string;
    name: string;
    uid?: string;
    apiVersion?: string;
    resourceVersion?: string;
    fieldPath?: string;
  };
  reason?: string;
  message?: string;
  type?: 'Normal' | 'Warning';
  source?: { component?: string; host?: string };
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  reportingComponent?: string;
  reportingInstance?: string;
  action?: string;
}

/** The legacy ReplicaSet: a plain map selector instead of a LabelSelector. */
export interface ReplicationController extends KubeObject {
  apiVersion: 'v1';
  kind: 'ReplicationController';
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: Record<string, string>;
    template?: PodTemplateSpec;
  };
  status?: {
    replicas: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    conditions?: Condition[];
  };
}
