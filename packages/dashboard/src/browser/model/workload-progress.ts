import type { CronJob, DaemonSet, Deployment, Job, KubeObject, ReplicaSet, StatefulSet } from '@flotilla/core';

/** How far a workload is towards what its spec asks for. */
export interface Progress {
  /** Units done: replicas updated and available, pods scheduled and available, completions. */
  done: number;
  desired: number;
  /** True once the controller has seen the latest spec and every unit is done. */
  complete: boolean;
  /** One line: `2/3 updated and available`. */
  summary: string;
}

type Workload = Deployment | ReplicaSet | DaemonSet | StatefulSet | Job | CronJob;

const observed = (o: KubeObject & { status?: { observedGeneration?: number } }) =>
  (o.status?.observedGeneration ?? 0) >= (o.metadata.generation ?? 0);

/** `waiting` says what still keeps a rollout from being complete beyond the count, if anything. */
const reading = (done: number, desired: number, what: string, waiting?: string): Progress => ({
  done,
  desired,
  complete: !waiting && done >= desired,
  summary: `${done}/${desired} ${what}${waiting ? ` (${waiting})` : ''}`,
});

const NOT_OBSERVED = 'spec change not yet observed';

/**
 * A workload's rollout progress, read from its status the way `kubectl
 * rollout status` reads it: a Deployment or StatefulSet counts replicas both
 * updated and available, a DaemonSet pods updated and available on their
 * nodes, a Job its completions. A CronJob has no rollout: undefined.
 */
export function workloadProgress(kind: string, obj: Workload): Progress | undefined {
  switch (kind) {
    case 'Deployment': {
      const d = obj as Deployment;
      const s = d.status ?? {};
      const done = Math.min(s.updatedReplicas ?? 0, s.availableReplicas ?? 0);
      // Old replicas still running mean the rollout is not over, even with every new one available (kubectl's
      // "old replicas are pending termination").
      const old = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
      const waiting = !observed(d) ? NOT_OBSERVED : old > 0 ? `${old} old replicas pending termination` : undefined;
      return reading(done, d.spec.replicas ?? 1, 'updated and available', waiting);
    }
    case 'ReplicaSet': {
      const r = obj as ReplicaSet;
      return reading(
        r.status?.availableReplicas ?? 0,
        r.spec.replicas ?? 1,
        'available',
        observed(r) ? undefined : NOT_OBSERVED,
      );
    }
    case 'StatefulSet': {
      const s = obj as StatefulSet;
      const done = Math.min(s.status?.updatedReplicas ?? 0, s.status?.availableReplicas ?? 0);
      return reading(done, s.spec.replicas ?? 1, 'updated and available', observed(s) ? undefined : NOT_OBSERVED);
    }
    case 'DaemonSet': {
      const d = obj as DaemonSet;
      const s = d.status;
      const done = Math.min(s?.updatedNumberScheduled ?? 0, s?.numberAvailable ?? 0);
      const waiting = observed(d) ? undefined : NOT_OBSERVED;
      return reading(done, s?.desiredNumberScheduled ?? 0, 'nodes updated and available', waiting);
    }
    case 'Job': {
      const j = obj as Job;
      const desired = j.spec.completions ?? 1;
      return reading(j.status?.succeeded ?? 0, desired, 'completions');
    }
    default:
      return undefined;
  }
}
