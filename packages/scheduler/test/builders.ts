import type {
  Container,
  Namespace,
  Node,
  NodeSelectorRequirement,
  Pod,
  PodAffinityTerm,
  PriorityClass,
  ResourceList,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from '@flotilla/core';

/** Fluent pod builder for tests: `makePod('p').req({ cpu: '100m' }).labels({ app: 'web' }).obj()`. */
export class PodBuilder {
  private readonly pod: Pod;

  constructor(name: string, namespace = 'default') {
    this.pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
      spec: { containers: [{ name: 'c', image: 'pause' }] },
    };
  }

  private get container(): Container {
    return this.pod.spec.containers[0];
  }

  req(requests: ResourceList): this {
    this.container.resources = { ...this.container.resources, requests };
    return this;
  }

  /** Adds another container with these requests. */
  container2(requests: ResourceList, image = 'pause'): this {
    this.pod.spec.containers.push({ name: `c${this.pod.spec.containers.length}`, image, resources: { requests } });
    return this;
  }

  init(requests: ResourceList, sidecar = false): this {
    this.pod.spec.initContainers = [
      ...(this.pod.spec.initContainers ?? []),
      {
        name: `i${this.pod.spec.initContainers?.length ?? 0}`,
        image: 'init',
        resources: { requests },
        ...(sidecar ? { restartPolicy: 'Always' as const } : {}),
      },
    ];
    return this;
  }

  image(image: string): this {
    this.container.image = image;
    return this;
  }

  node(nodeName: string): this {
    this.pod.spec.nodeName = nodeName;
    return this;
  }

  labels(labels: Record<string, string>): this {
    this.pod.metadata.labels = { ...this.pod.metadata.labels, ...labels };
    return this;
  }

  priority(p: number): this {
    this.pod.spec.priority = p;
    return this;
  }

  hostPort(port: number, protocol: 'TCP' | 'UDP' = 'TCP', hostIP?: string): this {
    this.container.ports = [...(this.container.ports ?? []), { containerPort: port, hostPort: port, protocol, hostIP }];
    return this;
  }

  tolerate(t: Toleration): this {
    this.pod.spec.tolerations = [...(this.pod.spec.tolerations ?? []), t];
    return this;
  }

  nodeSelector(sel: Record<string, string>): this {
    this.pod.spec.nodeSelector = sel;
    return this;
  }

  requiredNodeAffinity(...terms: NodeSelectorRequirement[][]): this {
    this.pod.spec.affinity = {
      ...this.pod.spec.affinity,
      nodeAffinity: {
        ...this.pod.spec.affinity?.nodeAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })),
        },
      },
    };
    return this;
  }

  preferredNodeAffinity(weight: number, matchExpressions: NodeSelectorRequirement[]): this {
    const na = this.pod.spec.affinity?.nodeAffinity ?? {};
    this.pod.spec.affinity = {
      ...this.pod.spec.affinity,
      nodeAffinity: {
        ...na,
        preferredDuringSchedulingIgnoredDuringExecution: [
          ...(na.preferredDuringSchedulingIgnoredDuringExecution ?? []),
          { weight, preference: { matchExpressions } },
        ],
      },
    };
    return this;
  }

  podAffinity(kind: 'podAffinity' | 'podAntiAffinity', term: PodAffinityTerm, weight?: number): this {
    const a = this.pod.spec.affinity?.[kind] ?? {};
    const next =
      weight === undefined
        ? {
            ...a,
            requiredDuringSchedulingIgnoredDuringExecution: [
              ...(a.requiredDuringSchedulingIgnoredDuringExecution ?? []),
              term,
            ],
          }
        : {
            ...a,
            preferredDuringSchedulingIgnoredDuringExecution: [
              ...(a.preferredDuringSchedulingIgnoredDuringExecution ?? []),
              { weight, podAffinityTerm: term },
            ],
          };
    this.pod.spec.affinity = { ...this.pod.spec.affinity, [kind]: next };
    return this;
  }

  spread(c: TopologySpreadConstraint): this {
    this.pod.spec.topologySpreadConstraints = [...(this.pod.spec.topologySpreadConstraints ?? []), c];
    return this;
  }

  schedulerName(name: string): this {
    this.pod.spec.schedulerName = name;
    return this;
  }

  startTime(iso: string): this {
    this.pod.status = { ...this.pod.status, startTime: iso };
    return this;
  }

  nominated(nodeName: string): this {
    this.pod.status = { ...this.pod.status, nominatedNodeName: nodeName };
    return this;
  }

  terminating(): this {
    this.pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    return this;
  }

  obj(): Pod {
    return structuredClone(this.pod);
  }
}

/** Fluent node builder: `makeNode('n').capacity({ cpu: '4', memory: '8Gi', pods: 110 }).obj()`. */
export class NodeBuilder {
  private readonly node: Node;

  constructor(name: string) {
    this.node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      spec: {},
      status: { allocatable: { cpu: '4', memory: '8Gi', pods: 110 } },
    };
  }

  capacity(list: ResourceList): this {
    this.node.status = { ...this.node.status, capacity: list, allocatable: list };
    return this;
  }

  labels(labels: Record<string, string>): this {
    this.node.metadata.labels = { ...this.node.metadata.labels, ...labels };
    return this;
  }

  taint(t: Taint): this {
    this.node.spec = { ...this.node.spec, taints: [...(this.node.spec?.taints ?? []), t] };
    return this;
  }

  unschedulable(): this {
    this.node.spec = { ...this.node.spec, unschedulable: true };
    return this;
  }

  images(...images: { names: string[]; sizeBytes: number }[]): this {
    this.node.status = { ...this.node.status, images };
    return this;
  }

  obj(): Node {
    return structuredClone(this.node);
  }
}

/** A Namespace with these labels. */
export const makeNamespace = (name: string, labels?: Record<string, string>): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

/** A pod builder. */
export const makePod = (name: string, namespace?: string) => new PodBuilder(name, namespace);
/** A node builder. */
export const makeNode = (name: string) => new NodeBuilder(name);

/** The PriorityClass `priority-<value>`. */
export const priorityClass = (value: number): PriorityClass => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name: `priority-${value}` },
  value,
});

/**
 * A pod as it must be written through the Api, whose Priority admission
 * refuses a bare `spec.priority`: the priority moves into
 * `spec.priorityClassName: priority-<value>` (create `priorityClass(value)` first).
 */
export function viaPriorityClass(pod: Pod): Pod {
  const priority = pod.spec.priority;
  if (priority === undefined) return pod;
  const { priority: _dropped, ...spec } = pod.spec;
  return { ...pod, spec: { ...spec, priorityClassName: `priority-${priority}` } };
}
