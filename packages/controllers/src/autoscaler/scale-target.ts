import { BadRequestError, type ClusterApi, type KubeObject, type LabelSelector } from '@flotilla/core';

/** The scale of a workload, whatever its kind (Kubernetes' `scale` subresource). */
export interface Scale {
  replicas: number;
  /** Which pods the workload runs; undefined when the kind exposes no selector. */
  selector?: LabelSelector | string;
}

/**
 * Reads the scale of any kind with an integer `spec.replicas`: Deployments,
 * ReplicaSets, ReplicationControllers, StatefulSet-like custom kinds. The
 * selector is `spec.selector` (a LabelSelector, or a plain map as in
 * ReplicationController) or else `status.selector` (the string form custom
 * resources publish for their scale subresource).
 *
 * @throws BadRequestError when the object has no numeric `spec.replicas`.
 */
export async function readScale(api: ClusterApi, namespace: string, kind: string, name: string): Promise<Scale> {
  const obj = await api.resource<KubeObject>(kind).get(namespace, name);
  const spec = (obj.spec ?? {}) as { replicas?: unknown; selector?: unknown };
  const replicas = spec.replicas ?? 1;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas))
    throw new BadRequestError(`${kind} ${namespace}/${name} has no integer spec.replicas; it cannot be autoscaled`);
  return {
    replicas,
    selector: selectorOf(spec.selector, (obj.status as { selector?: unknown } | undefined)?.selector),
  };
}

function selectorOf(specSelector: unknown, statusSelector: unknown): Scale['selector'] {
  if (specSelector && typeof specSelector === 'object') {
    const s = specSelector as Record<string, unknown>;
    if ('matchLabels' in s || 'matchExpressions' in s) return s as LabelSelector;
    return { matchLabels: s as Record<string, string> };
  }
  return typeof statusSelector === 'string' ? statusSelector : undefined;
}

/** Sets `spec.replicas` of the target (a merge patch, so nothing else is touched). */
export async function writeScale(
  api: ClusterApi,
  namespace: string,
  kind: string,
  name: string,
  replicas: number,
): Promise<void> {
  await api.resource<KubeObject>(kind).patch(namespace, name, { spec: { replicas } });
}
