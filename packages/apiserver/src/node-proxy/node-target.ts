import type { Api, KubeObject, Node, Pod } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import type { KubeletClientOptions, KubeletEndpoint } from './kubelet-client.js';

const DEFAULT_ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname'];

/** Where the agent of node `name` listens: its preferred address and `daemonEndpoints.kubeletEndpoint.Port`. */
export async function kubeletEndpointOf(
  api: Api,
  name: string,
  options: KubeletClientOptions,
): Promise<KubeletEndpoint> {
  const node = (await api.resource<KubeObject>('Node').get(name)) as Node;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  const addresses = node.status?.addresses ?? [];
  const host = (options.preferredAddressTypes ?? DEFAULT_ADDRESS_TYPES)
    .map((type) => addresses.find((a) => a.type === type && a.address)?.address)
    .find((a) => a !== undefined);
  if (!port || !host) {
    throw new HttpStatusError(
      503,
      'ServiceUnavailable',
      `node "${name}" publishes no node agent endpoint (status.addresses and status.daemonEndpoints.kubeletEndpoint.Port); start its node agent with its API server enabled`,
    );
  }
  return { node: name, host, port };
}

/** A pod's node agent, and the container a request names. */
export interface PodTarget {
  pod: Pod;
  endpoint: KubeletEndpoint;
  container: string;
}

/**
 * The container `requested` names in `pod` (its only container when none is
 * named), as kube-apiserver's pod REST resolves it: a name that is not one
 * of the pod's containers, init or ephemeral containers is refused, so only
 * a real container name ever reaches an agent's path.
 */
export function containerOf(pod: Pod, requested: string | null): string {
  const spec = pod.spec as Pod['spec'] & { ephemeralContainers?: { name: string }[] };
  const names = [
    ...spec.containers.map((c) => c.name),
    ...(spec.initContainers ?? []).map((c) => c.name),
    ...(spec.ephemeralContainers ?? []).map((c) => c.name),
  ];
  const podName = pod.metadata.name;
  if (requested === null || requested === '') {
    if (spec.containers.length === 1) return spec.containers[0]!.name;
    throw new HttpStatusError(
      400,
      'BadRequest',
      `a container name must be specified for pod ${podName}, choose one of: [${spec.containers.map((c) => c.name).join(' ')}]`,
    );
  }
  if (!names.includes(requested)) {
    throw new HttpStatusError(
      400,
      'BadRequest',
      `container ${JSON.stringify(requested)} is not valid for pod ${podName}: choose one of [${names.join(' ')}]`,
    );
  }
  return requested;
}

/** The pod `namespace/name`, the container the query names, and its node's agent. */
export async function podTarget(
  api: Api,
  namespace: string,
  name: string,
  requestedContainer: string | null,
  options: KubeletClientOptions,
  needsContainer: boolean,
): Promise<PodTarget> {
  const pod = (await api.resource<KubeObject>('Pod').get(namespace, name)) as Pod;
  const container = needsContainer ? containerOf(pod, requestedContainer) : '';
  const node = pod.spec.nodeName;
  if (!node) {
    throw new HttpStatusError(
      400,
      'BadRequest',
      `pod ${name} is not scheduled to a node yet: wait until it is bound (spec.nodeName)`,
    );
  }
  return { pod, endpoint: await kubeletEndpointOf(api, node, options), container };
}
