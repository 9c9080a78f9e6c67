import type { Pod } from '@flotilla/core';
import { updatesChanging } from '../controller-context/updates-changing.js';
import { isPodActive, isPodReady } from '../pod-control/pod-state.js';

/**
 * What of a pod a ReplicaSet sync decides and reports from: its labels
 * (selector, fullyLabeledReplicas), owner references (claims), whether it is
 * active (deletion, terminal phase) and its readiness and the time it became
 * ready (readyReplicas, availableReplicas). Which pod to delete first also
 * reads its node, phase and restarts, but only when a scale-down sync runs
 * for another reason, from the cache of that moment.
 */
function replicaInputs(pod: Readonly<Pod>): string {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return JSON.stringify([
    pod.metadata.labels ?? {},
    pod.metadata.ownerReferences ?? [],
    isPodActive(pod),
    isPodReady(pod),
    ready?.lastTransitionTime,
  ]);
}

/**
 * Lets through every event except a Pod update that changes nothing a
 * ReplicaSet sync reads (a pod's binding to a node, a status write before
 * it is ready): in a cluster whose pods start one by one, each pod woke its
 * set three times (created, bound, ready) where two can change its status.
 */
export const podReplicaInputsChanged = updatesChanging<Pod>('Pod', replicaInputs);
