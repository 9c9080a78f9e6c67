import type { Node, Pod } from '@flotilla/core';
import { quantityValue } from './quantity.js';

/** One node's capacity, what the scheduler may use of it, and what its pods request. */
export interface NodeLoad {
  name: string;
  capacity: { cpu: number; memory: number; pods: number };
  allocatable: { cpu: number; memory: number; pods: number };
  requested: { cpu: number; memory: number };
  /** Pods bound to the node that still hold resources (not Succeeded or Failed). */
  pods: number;
}

type Container = NonNullable<Pod['spec']>['containers'][number];

/** Whether a pod still holds its node's resources: the scheduler stops counting pods that finished. */
export function holdsResources(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

const requestOf = (c: Container, resource: 'cpu' | 'memory') => quantityValue(c.resources?.requests?.[resource]);

/**
 * What a pod requests, as the scheduler counts it: the sum over its
 * containers, or the largest init container's request when that is more
 * (init containers run one at a time, before the others).
 */
export function podRequests(pod: Pod): { cpu: number; memory: number } {
  const total = (resource: 'cpu' | 'memory') => {
    const sum = (pod.spec?.containers ?? []).reduce((s, c) => s + requestOf(c, resource), 0);
    const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map((c) => requestOf(c, resource)));
    return Math.max(sum, init) + quantityValue(pod.spec?.overhead?.[resource]);
  };
  return { cpu: total('cpu'), memory: total('memory') };
}

/** Each node's load from the pods bound to it, in node-name order. */
export function nodeLoads(nodes: Node[], pods: Iterable<Pod>): NodeLoad[] {
  const loads = new Map<string, NodeLoad>();
  for (const node of nodes) {
    const cap = node.status?.capacity ?? {};
    const alloc = node.status?.allocatable ?? cap;
    loads.set(node.metadata.name, {
      name: node.metadata.name,
      capacity: { cpu: quantityValue(cap.cpu), memory: quantityValue(cap.memory), pods: quantityValue(cap.pods) },
      allocatable: {
        cpu: quantityValue(alloc.cpu),
        memory: quantityValue(alloc.memory),
        pods: quantityValue(alloc.pods),
      },
      requested: { cpu: 0, memory: 0 },
      pods: 0,
    });
  }
  for (const pod of pods) {
    const load = loads.get(pod.spec?.nodeName ?? '');
    if (!load || !holdsResources(pod)) continue;
    const r = podRequests(pod);
    load.requested.cpu += r.cpu;
    load.requested.memory += r.memory;
    load.pods++;
  }
  return [...loads.values()].sort((a, b) => a.name.localeCompare(b.name));
}
