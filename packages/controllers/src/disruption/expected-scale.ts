import {
  type CustomResourceType,
  type Deployment,
  getControllerOf,
  type KubeObject,
  type OwnerReference,
  type Pod,
  type ReplicaSet,
  type ReplicationController,
  type ResourceRegistry,
  type StatefulSet,
} from '@flotilla/core';
import type { CacheSource } from '../controller-context/controller-context.js';

/** A controller of pods and how many pods it wants. */
interface ControllerScale {
  uid: string;
  scale: number;
}

type Finder = (ref: OwnerReference, namespace: string) => ControllerScale | undefined;

/**
 * How many pods the controllers of `pods` want in total (Kubernetes'
 * `getExpectedScale`), for budgets given as a percentage or as
 * `maxUnavailable`. Each pod's controller is found among ReplicaSets (a
 * ReplicaSet run by a Deployment counts as that Deployment),
 * ReplicationControllers, StatefulSets and custom kinds whose CRD declares a
 * scale subresource (read at its `specReplicasPath`); each controller's
 * replicas are counted once.
 *
 * Returns the total, or an error naming the first pod without a known
 * controller (the budget then allows no disruption, as in Kubernetes).
 */
export function expectedScale(
  caches: CacheSource,
  registry: ResourceRegistry,
  pods: readonly Readonly<Pod>[],
): { count: number } | { error: string; reason: 'NoControllerRef' | 'NoControllers' } {
  const get = <T extends KubeObject>(kind: string, ns: string, name: string, uid: string) => {
    const obj = caches.for<T>(kind).cache.get(ns, name);
    return obj?.metadata.uid === uid ? obj : undefined;
  };
  const replicas = (obj: { spec: { replicas?: number } }) => obj.spec.replicas ?? 1;
  const finders: Finder[] = [
    (ref, ns) => {
      if (ref.kind !== 'ReplicaSet') return undefined;
      const rs = get<ReplicaSet>('ReplicaSet', ns, ref.name, ref.uid);
      const owner = rs && getControllerOf(rs);
      if (!rs) return undefined;
      if (owner?.kind === 'Deployment') {
        const d = get<Deployment>('Deployment', ns, owner.name, owner.uid);
        return d ? { uid: d.metadata.uid ?? '', scale: replicas(d) } : undefined;
      }
      return { uid: ref.uid, scale: replicas(rs) };
    },
    (ref, ns) => {
      if (ref.kind !== 'ReplicationController') return undefined;
      const rc = get<ReplicationController>('ReplicationController', ns, ref.name, ref.uid);
      return rc ? { uid: ref.uid, scale: replicas(rc) } : undefined;
    },
    (ref, ns) => {
      if (ref.kind !== 'StatefulSet') return undefined;
      const sts = get<StatefulSet>('StatefulSet', ns, ref.name, ref.uid);
      return sts ? { uid: ref.uid, scale: replicas(sts) } : undefined;
    },
    (ref, ns) => {
      const path = (registry.find(ref.kind) as Partial<CustomResourceType> | undefined)?.scale?.specReplicasPath;
      const obj = path ? get<KubeObject>(ref.kind, ns, ref.name, ref.uid) : undefined;
      const scale = obj && path ? valueAt(obj, path) : undefined;
      return typeof scale === 'number' ? { uid: ref.uid, scale } : undefined;
    },
  ];
  // Keyed by the counted controller's uid: two ReplicaSets of one Deployment count it once.
  const scales = new Map<string, number>();
  const seen = new Set<string>();
  for (const pod of pods) {
    const ref = getControllerOf(pod);
    if (!ref) return { error: `found no controller ref for pod "${pod.metadata.name}"`, reason: 'NoControllerRef' };
    if (seen.has(ref.uid)) continue;
    const found = finders.map((f) => f(ref, pod.metadata.namespace ?? 'default')).find((s) => s !== undefined);
    if (!found) return { error: `found no controllers for pod "${pod.metadata.name}"`, reason: 'NoControllers' };
    seen.add(ref.uid);
    scales.set(found.uid, found.scale);
  }
  return { count: [...scales.values()].reduce((a, b) => a + b, 0) };
}

/** The value at a scale subresource's JSON path (`.spec.replicas`): dotted field names only, as CRDs allow there. */
function valueAt(obj: Readonly<KubeObject>, path: string): unknown {
  let at: unknown = obj;
  for (const field of path.replace(/^\./, '').split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[field];
  }
  return at;
}
