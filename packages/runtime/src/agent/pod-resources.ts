import { type Container, type Pod, parseMilli, parseValue, type ResourceList } from '@flotilla/core';
import type { LinuxContainerResources } from '../cri/messages.js';

/** CPU (millicores) and memory (bytes) a pod reserves on its node. */
export interface PodRequests {
  cpuMilli: number;
  memoryBytes: number;
}

const amount = (list: ResourceList | undefined, name: string, parse: (v: string | number) => number) =>
  list?.[name] === undefined ? 0 : parse(list[name]);

/** A container's requests, falling back to its limits as Kubernetes' defaulting does. */
function containerRequests(c: Container): PodRequests {
  const req = c.resources?.requests;
  const lim = c.resources?.limits;
  return {
    cpuMilli: amount(req, 'cpu', parseMilli) || amount(lim, 'cpu', parseMilli),
    memoryBytes: amount(req, 'memory', parseValue) || amount(lim, 'memory', parseValue),
  };
}

/** The pod's effective requests: max(sum of app containers, largest init container) plus overhead. */
export function podRequests(pod: Pod): PodRequests {
  const sum = pod.spec.containers
    .map(containerRequests)
    .reduce((a, b) => ({ cpuMilli: a.cpuMilli + b.cpuMilli, memoryBytes: a.memoryBytes + b.memoryBytes }), {
      cpuMilli: 0,
      memoryBytes: 0,
    });
  for (const init of (pod.spec.initContainers ?? []).map(containerRequests)) {
    sum.cpuMilli = Math.max(sum.cpuMilli, init.cpuMilli);
    sum.memoryBytes = Math.max(sum.memoryBytes, init.memoryBytes);
  }
  sum.cpuMilli += amount(pod.spec.overhead, 'cpu', parseMilli);
  sum.memoryBytes += amount(pod.spec.overhead, 'memory', parseValue);
  return sum;
}

/** What a node has for pods. */
export interface NodeAllocatable extends PodRequests {
  pods: number;
}

/**
 * Why a pod does not fit, in the kubelet's words (`OutOfcpu`, `OutOfmemory`,
 * `OutOfpods`), or undefined if it fits. `admitted` holds the `podRequests`
 * of the pods already running on the node: a caller admitting many pods
 * computes each pod's requests once rather than re-parsing every admitted
 * pod's quantities on each admission.
 */
export function admissionFailure(
  pod: Pod,
  admitted: readonly PodRequests[],
  allocatable: NodeAllocatable,
): { reason: string; message: string } | undefined {
  if (admitted.length + 1 > allocatable.pods) {
    return { reason: 'OutOfpods', message: `Node didn't have enough resource: pods, capacity: ${allocatable.pods}` };
  }
  const want = podRequests(pod);
  const used = admitted.reduce(
    (a, b) => ({ cpuMilli: a.cpuMilli + b.cpuMilli, memoryBytes: a.memoryBytes + b.memoryBytes }),
    {
      cpuMilli: 0,
      memoryBytes: 0,
    },
  );
  if (used.cpuMilli + want.cpuMilli > allocatable.cpuMilli) {
    return {
      reason: 'OutOfcpu',
      message: `Pod Node didn't have enough resource: cpu, requested: ${want.cpuMilli}, used: ${used.cpuMilli}, capacity: ${allocatable.cpuMilli}`,
    };
  }
  if (used.memoryBytes + want.memoryBytes > allocatable.memoryBytes) {
    return {
      reason: 'OutOfmemory',
      message: `Pod Node didn't have enough resource: memory, requested: ${want.memoryBytes}, used: ${used.memoryBytes}, capacity: ${allocatable.memoryBytes}`,
    };
  }
  return undefined;
}

/** CRI cgroup settings from a container's resources, as the kubelet computes them (shares 1024 per core, 100 ms period). */
export function linuxResources(c: Container): LinuxContainerResources {
  const cpuRequest = amount(c.resources?.requests, 'cpu', parseMilli) || amount(c.resources?.limits, 'cpu', parseMilli);
  const cpuLimit = amount(c.resources?.limits, 'cpu', parseMilli);
  const memoryLimit = amount(c.resources?.limits, 'memory', parseValue);
  const period = 100_000;
  return {
    cpuShares: Math.max(2, Math.floor((cpuRequest * 1024) / 1000)),
    ...(cpuLimit > 0 ? { cpuPeriod: period, cpuQuota: Math.max(1000, Math.floor((cpuLimit * period) / 1000)) } : {}),
    ...(memoryLimit > 0 ? { memoryLimitInBytes: memoryLimit } : {}),
  };
}
