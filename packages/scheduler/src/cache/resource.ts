import { type Container, type Pod, parseMilli, parseValue, type ResourceList } from '@flotilla/core';

/**
 * Amounts of resources in the units the scheduler compares: CPU in
 * millicores, memory and everything else in plain units (bytes, counts).
 * `pods` is a node's pod capacity (allocatable only).
 */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
  /** Extended resources (`example.com/gpu`, `hugepages-2Mi`, ...). */
  scalar: Map<string, number>;
}

/** Kubernetes' defaults for scoring pods that request nothing (never for filtering). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** 200 MiB, as kube-scheduler's `DefaultMemoryRequest`. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** A zero Resource. */
export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: new Map() };
}

/** A copy that can be changed independently. */
export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: new Map(r.scalar) };
}

/** Adds (`sign` 1) or subtracts (`sign` -1) `r` into `into`. */
export function addResource(into: Resource, r: Resource, sign: 1 | -1 = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.pods += sign * r.pods;
  for (const [name, v] of r.scalar) into.scalar.set(name, (into.scalar.get(name) ?? 0) + sign * v);
}

/** Raises every amount of `into` to at least the one in `r`. */
function maxResource(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [name, v] of r.scalar) into.scalar.set(name, Math.max(into.scalar.get(name) ?? 0, v));
}

/** Parses a manifest ResourceList (`{ cpu: '500m', memory: '1Gi', pods: 110 }`). */
export function resourceFromList(list: ResourceList | undefined): Resource {
  const r = emptyResource();
  if (!list) return r;
  for (const [name, value] of Object.entries(list)) {
    switch (name) {
      case 'cpu':
        r.milliCPU = parseMilli(value);
        break;
      case 'memory':
        r.memory = parseValue(value);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage = parseValue(value);
        break;
      case 'pods':
        r.pods = parseValue(value);
        break;
      default:
        r.scalar.set(name, parseValue(value));
    }
  }
  return r;
}

/** What a pod's requests add up to, for filtering and for scoring. */
export interface PodRequests {
  /** Exact requests: what Filter compares with allocatable. */
  requests: Resource;
  /** CPU and memory with per-container defaults for unset requests: what Score uses. */
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
}

/**
 * A pod's effective requests, as Kubernetes computes them: the sum of its
 * app containers (plus restartable "sidecar" init containers, which keep
 * running), or the largest init container phase if that is bigger, plus the
 * pod overhead.
 */
export function podRequests(pod: Pod): PodRequests {
  const sum = emptyResource();
  let nonZeroMilliCPU = 0;
  let nonZeroMemory = 0;
  const addContainer = (c: Container) => {
    const req = resourceFromList(c.resources?.requests);
    addResource(sum, req);
    const hasCpu = c.resources?.requests?.cpu !== undefined;
    const hasMemory = c.resources?.requests?.memory !== undefined;
    nonZeroMilliCPU += hasCpu ? req.milliCPU : DEFAULT_MILLI_CPU_REQUEST;
    nonZeroMemory += hasMemory ? req.memory : DEFAULT_MEMORY_REQUEST;
  };
  for (const c of pod.spec.containers) addContainer(c);
  const initPeak = emptyResource();
  const sidecars = emptyResource();
  for (const c of pod.spec.initContainers ?? []) {
    const req = resourceFromList(c.resources?.requests);
    if (c.restartPolicy === 'Always') {
      addResource(sidecars, req);
      addContainer(c);
      maxResource(initPeak, sidecars);
    } else {
      const phase = cloneResource(sidecars);
      addResource(phase, req);
      maxResource(initPeak, phase);
    }
  }
  maxResource(sum, initPeak);
  const overhead = resourceFromList(pod.spec.overhead);
  addResource(sum, overhead);
  nonZeroMilliCPU = Math.max(nonZeroMilliCPU, sum.milliCPU - overhead.milliCPU) + overhead.milliCPU;
  nonZeroMemory = Math.max(nonZeroMemory, sum.memory - overhead.memory) + overhead.memory;
  return { requests: sum, nonZeroMilliCPU, nonZeroMemory };
}
