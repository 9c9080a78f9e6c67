import { podTemplateHash, podTemplateHashLabel } from '@flotilla/controllers';
import type { Api, Informer, KubeObject } from '@flotilla/core';

/** What the suite checks after each step, as the problems it found (empty: all hold). */
export interface Observation {
  /** The Deployment has rolled out its current template: every replica updated and available. */
  rolledOut: boolean;
  problems: string[];
}

/**
 * Reads the store (not a cache) and checks the rollout's end state: exactly
 * `replicas` pods, all of the current template; every pod owned by a live
 * ReplicaSet and every ReplicaSet by the Deployment (no orphans); old
 * ReplicaSets scaled to zero.
 */
export async function observeRollout(api: Api, namespace: string, name: string): Promise<Observation> {
  const deployment = await api.resource('Deployment').get(namespace, name);
  const replicas = deployment.spec.replicas ?? 1;
  const status = deployment.status ?? {};
  const rolledOut =
    status.observedGeneration === deployment.metadata.generation &&
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas;
  const sets = (await api.resource('ReplicaSet').list({ namespace })).items;
  const pods = (await api.resource('Pod').list({ namespace })).items.filter((p) => !p.metadata.deletionTimestamp);
  const hash = podTemplateHash(deployment.spec.template, status.collisionCount ?? 0);
  const problems: string[] = [];
  const setUids = new Set(sets.map((s) => s.metadata.uid));
  for (const set of sets) {
    if (controllerUid(set) !== deployment.metadata.uid) problems.push(`ReplicaSet ${set.metadata.name} is an orphan`);
    const current = set.metadata.labels?.[podTemplateHashLabel] === hash;
    if (!current && (set.spec.replicas ?? 0) !== 0)
      problems.push(`old ReplicaSet ${set.metadata.name} not scaled to 0`);
  }
  for (const pod of pods) {
    if (!setUids.has(controllerUid(pod))) problems.push(`Pod ${pod.metadata.name} is an orphan`);
  }
  const currentPods = pods.filter((p) => p.metadata.labels?.[podTemplateHashLabel] === hash);
  if (currentPods.length !== replicas)
    problems.push(`${currentPods.length} pods of the current template, want ${replicas}`);
  if (pods.length !== replicas) problems.push(`${pods.length} pods in all, want ${replicas}`);
  return { rolledOut, problems };
}

/** The differences between an informer's cache and the store's list of that kind, by name and resourceVersion. */
export async function cacheDrift<T extends KubeObject>(
  api: Api,
  kind: string,
  informer: Informer<T>,
): Promise<string[]> {
  const stored = (await api.resource(kind).list()).items;
  const want = new Map(stored.map((o) => [o.metadata.name, o.metadata.resourceVersion]));
  const have = new Map(informer.cache.list().map((o) => [o.metadata.name, o.metadata.resourceVersion]));
  const drift: string[] = [];
  for (const [n, rv] of want) if (have.get(n) !== rv) drift.push(`${kind} ${n}: store ${rv}, cache ${have.get(n)}`);
  for (const n of have.keys()) if (!want.has(n)) drift.push(`${kind} ${n}: cached but not stored`);
  return drift;
}

function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}
