import type { Node, Taint } from '@flotilla/core';
import type { HostPort, PodInfo } from './pod-info.js';
import { addResource, cloneResource, emptyResource, type Resource, resourceFromList } from './resource.js';

/** An image and how many nodes hold it: ImageLocality scales by spread. */
export interface ImageStateSummary {
  sizeBytes: number;
  /** Number of nodes holding the image, kept by the scheduler cache. */
  numNodes: number;
}

let lastGeneration = 0;

/** A new, strictly larger generation: every NodeInfo change takes one, so snapshots copy only what changed. */
export function nextGeneration(): number {
  lastGeneration += 1;
  return lastGeneration;
}

/**
 * What the scheduler knows about one node: its object, the pods on it
 * (bound and assumed), and their sums. Plugins read it; only the cache
 * changes it (and preemption, on its own clones).
 */
export class NodeInfo {
  node: Node | undefined;
  pods: PodInfo[] = [];
  /** Pods with any inter-pod (anti-)affinity term: InterPodAffinity scans only these. */
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts: HostPort[] = [];
  /** Sum of the pods' exact requests. */
  requested: Resource = emptyResource();
  /** Sum with Kubernetes' defaults for unset CPU/memory requests: what scoring uses. */
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  allocatable: Resource = emptyResource();
  imageStates: Map<string, ImageStateSummary> = new Map();
  generation = nextGeneration();

  constructor(readonly name: string) {}

  /** Node labels (empty when the node object is not known yet). */
  get labels(): Readonly<Record<string, string>> {
    return this.node?.metadata.labels ?? {};
  }

  get taints(): readonly Taint[] {
    return this.node?.spec?.taints ?? [];
  }

  /** Sets or replaces the node object; pods stay. */
  setNode(node: Node): void {
    this.node = node;
    this.allocatable = resourceFromList(node.status?.allocatable ?? node.status?.capacity);
    this.generation = nextGeneration();
  }

  /** Counts a pod on this node: its requests, ports, affinity terms and images. */
  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (pi.hasAffinity) this.podsWithAffinity.push(pi);
    if (pi.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(pi);
    this.account(pi, 1);
  }

  /** Removes the pod with this key; false if it was not here. */
  removePod(key: string): boolean {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const pi = this.pods[i];
    this.pods.splice(i, 1);
    removeByKey(this.podsWithAffinity, key);
    removeByKey(this.podsWithRequiredAntiAffinity, key);
    this.account(pi, -1);
    return true;
  }

  /** A copy that can be changed without touching this one (pods themselves are shared, they are immutable). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.pods = this.pods.slice();
    c.podsWithAffinity = this.podsWithAffinity.slice();
    c.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.slice();
    c.usedPorts = this.usedPorts.slice();
    c.requested = cloneResource(this.requested);
    c.nonZeroMilliCPU = this.nonZeroMilliCPU;
    c.nonZeroMemory = this.nonZeroMemory;
    c.allocatable = this.allocatable;
    c.imageStates = this.imageStates;
    c.generation = this.generation;
    return c;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    addResource(this.requested, pi.resources.requests, sign);
    this.nonZeroMilliCPU += sign * pi.resources.nonZeroMilliCPU;
    this.nonZeroMemory += sign * pi.resources.nonZeroMemory;
    for (const hp of pi.hostPorts) {
      if (sign === 1) this.usedPorts.push(hp);
      else {
        const j = this.usedPorts.findIndex((u) => u.ip === hp.ip && u.port === hp.port && u.protocol === hp.protocol);
        if (j >= 0) this.usedPorts.splice(j, 1);
      }
    }
    this.generation = nextGeneration();
  }
}

function removeByKey(list: PodInfo[], key: string): void {
  const i = list.findIndex((p) => p.key === key);
  if (i >= 0) list.splice(i, 1);
}
