import { arch, cpus, hostname, networkInterfaces, release, totalmem } from 'node:os';
import {
  type Clock,
  type ClusterApi,
  type Condition,
  isReason,
  jsonEqual,
  type Node,
  type ResourceList,
  type Taint,
  toTimestamp,
} from '@flotilla/core';
import type { VersionResponse } from '../cri/messages.js';

/** What a node says about itself. */
export interface NodeFacts {
  nodeName: string;
  capacity: ResourceList;
  allocatable: ResourceList;
  labels: Record<string, string>;
  taints: Taint[];
  hostIP: string;
  podCIDR?: string;
  version: VersionResponse;
  /** The port the node agent's API listens on (`status.daemonEndpoints.kubeletEndpoint.Port`). Default 10250. */
  kubeletPort?: number;
}

/** The machine's capacity: its CPUs and memory, and Kubernetes' 110 pods. */
export function machineCapacity(): ResourceList {
  return { cpu: String(cpus().length), memory: String(totalmem()), pods: '110' };
}

/** The machine's first non-internal IPv4 address (loopback if it has none). */
export function machineIP(): string {
  for (const list of Object.values(networkInterfaces())) {
    const found = list?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

/** The kubelet version string this agent reports. */
export const AGENT_VERSION = 'v1.31.0-flotilla';

function conditions(previous: Condition[] | undefined, now: string): Condition[] {
  const keep = (type: string, status: 'True' | 'False', reason: string, message: string): Condition => {
    const before = previous?.find((c) => c.type === type);
    return {
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now,
    };
  };
  return [
    keep('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    keep('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    keep('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    keep('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** How often registration re-reads the Node after another writer got in between (the kubelet retries too). */
const REGISTER_CONFLICT_ATTEMPTS = 5;

/** Options of `registerNode`. */
export interface RegisterNodeOptions {
  /**
   * Leave an existing Node's status as it is when nothing in it changed but
   * the conditions' heartbeat times (the kubelet's `nodeStatusHasChanged`),
   * as the kubelet does between two `nodeStatusReportFrequency` reports: the
   * Lease is the heartbeat, and each rewrite of an unchanged status wakes
   * every Node watcher. Default false: the status is always written.
   */
  onlyIfChanged?: boolean;
}

/** What `registerNode` found and did: the Node, and whether its status was written. */
export interface NodeRegistration {
  node: Node;
  written: boolean;
}

/**
 * Creates the Node, or refreshes its status (capacity, addresses, nodeInfo,
 * conditions with a new heartbeat) keeping what others wrote to its spec.
 * A write that loses to another writer (the node lifecycle controller
 * tainting the new Node, say) is retried on a fresh read.
 */
export async function registerNode(
  api: ClusterApi,
  clock: Clock,
  facts: NodeFacts,
  options: RegisterNodeOptions = {},
): Promise<NodeRegistration> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await registerNodeOnce(api, clock, facts, options);
    } catch (err) {
      if (!isReason(err, 'Conflict') || attempt >= REGISTER_CONFLICT_ATTEMPTS) throw err;
    }
  }
}

/** The conditions by type with their heartbeat times left out: what a heartbeat alone does not change. */
function withoutHeartbeats(status: Node['status']): unknown {
  const conditions = [...(status?.conditions ?? [])]
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
    .map(({ lastHeartbeatTime: _beat, ...rest }) => rest);
  return { ...status, conditions };
}

/** Kubernetes' `nodeStatusHasChanged`, true for every difference but the conditions' `lastHeartbeatTime`. */
function nodeStatusHasChanged(before: Node['status'], after: Node['status']): boolean {
  return !jsonEqual(withoutHeartbeats(before), withoutHeartbeats(after));
}

async function registerNodeOnce(
  api: ClusterApi,
  clock: Clock,
  facts: NodeFacts,
  options: RegisterNodeOptions,
): Promise<NodeRegistration> {
  const nodes = api.resource('Node');
  const now = toTimestamp(clock.now());
  const status = (previous?: Node): Node['status'] => ({
    capacity: facts.capacity,
    allocatable: facts.allocatable,
    conditions: conditions(previous?.status?.conditions, now),
    addresses: [
      { type: 'InternalIP', address: facts.hostIP },
      { type: 'Hostname', address: facts.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: facts.kubeletPort ?? 10250 } },
    nodeInfo: {
      kernelVersion: release(),
      osImage: 'Flotilla',
      containerRuntimeVersion: `${facts.version.runtimeName}://${facts.version.runtimeVersion}`,
      kubeletVersion: AGENT_VERSION,
      kubeProxyVersion: AGENT_VERSION,
      operatingSystem: 'linux',
      architecture: arch() === 'x64' ? 'amd64' : arch(),
      machineID: hostname(),
    },
  });
  try {
    const existing = await nodes.get(facts.nodeName);
    const next = status(existing);
    if (options.onlyIfChanged && !nodeStatusHasChanged(existing.status, next))
      return { node: existing, written: false };
    return { node: await nodes.updateStatus({ ...existing, status: next }), written: true };
  } catch (err) {
    if (!isReason(err, 'NotFound')) throw err;
  }
  const created = await nodes.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: facts.nodeName,
      labels: {
        'kubernetes.io/hostname': facts.nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch() === 'x64' ? 'amd64' : arch(),
        ...facts.labels,
      },
    },
    spec: {
      ...(facts.podCIDR ? { podCIDR: facts.podCIDR, podCIDRs: [facts.podCIDR] } : {}),
      ...(facts.taints.length > 0 ? { taints: facts.taints } : {}),
    },
  });
  return { node: await nodes.updateStatus({ ...created, status: status() }), written: true };
}
