import type { Deployment, Event, InformerFactory, Node, Pod } from '@flotilla/core';

/** One row of the pods table. */
export interface PodRow {
  /** `namespace/name`. */
  name: string;
  /** Phase, or `Terminating` once deletion started. */
  phase: string;
  node: string;
  ready: string;
  restarts: number;
}

/** One row of the nodes table. */
export interface NodeRow {
  name: string;
  /** Ready / NotReady / Unknown, from the Ready condition. */
  status: string;
  /** Taint keys, shortened (`node.kubernetes.io/` dropped). */
  taints: string[];
  pods: number;
}

/** The state the display shows, read from the shared informer caches. */
export interface ClusterView {
  nodes: NodeRow[];
  pods: PodRow[];
  deployments: Deployment[];
  /** Newest last. */
  events: Event[];
}

const conditionStatus = (obj: Node | Pod, type: string) =>
  obj.status?.conditions?.find((c) => c.type === type)?.status ?? 'Unknown';

/** A pod as the table shows it (kubectl's columns). */
export function podRow(pod: Pod): PodRow {
  const statuses = pod.status?.containerStatuses ?? [];
  return {
    name: `${pod.metadata.namespace}/${pod.metadata.name}`,
    phase: pod.metadata.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Pending'),
    node: pod.spec.nodeName ?? '-',
    ready: `${statuses.filter((s) => s.ready).length}/${pod.spec.containers.length}`,
    restarts: statuses.reduce((n, s) => n + s.restartCount, 0),
  };
}

function nodeRow(node: Node, pods: readonly Pod[]): NodeRow {
  const ready = conditionStatus(node, 'Ready');
  return {
    name: node.metadata.name,
    status: ready === 'True' ? 'Ready' : ready === 'False' ? 'NotReady' : 'Unknown',
    taints: (node.spec?.taints ?? []).map((t) => `${t.key.replace('node.kubernetes.io/', '')}:${t.effect}`),
    pods: pods.filter((p) => p.spec.nodeName === node.metadata.name && !p.metadata.deletionTimestamp).length,
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/** Reads the view from the informers (Pods, Nodes, Deployments, Events) of a running cluster. */
export function readClusterView(informers: InformerFactory, maxEvents = 6): ClusterView {
  const pods = informers.for<Pod>('Pod').cache.list();
  const events = informers
    .for<Event>('Event')
    .cache.list()
    .slice()
    .sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
  return {
    nodes: informers
      .for<Node>('Node')
      .cache.list()
      .map((n) => nodeRow(n, pods))
      .sort(byName),
    pods: pods.map(podRow).sort(byName),
    deployments: informers.for<Deployment>('Deployment').cache.list().slice(),
    events: events.slice(-maxEvents),
  };
}

/** When an Event last happened, as a sortable string. */
function eventTime(e: Event): string {
  return e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '';
}
