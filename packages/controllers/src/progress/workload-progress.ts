import type { DaemonSet, Deployment, Job, KubeObject, Pod, ReplicaSet, StatefulSet } from '@flotilla/core';
import { rolloutStatusMessage } from '../deployment/deployment-status.js';

/** Where a workload's work stands. */
export type ProgressState = 'progressing' | 'complete' | 'failed';

/** One reading of a workload's progress towards its expected state. */
export interface WorkloadProgress {
  kind: string;
  namespace: string;
  name: string;
  state: ProgressState;
  /** How many units are done: replicas updated and available, pods updated and available on nodes, completions. */
  done: number;
  /** How many units the object asks for. */
  desired: number;
  /** One line, in kubectl's wording where kubectl has one (`kubectl rollout status`). */
  message: string;
}

/** The kinds `workloadProgress` and `rolloutProgress` understand. */
export type ProgressKind = 'Deployment' | 'ReplicaSet' | 'DaemonSet' | 'StatefulSet' | 'Job' | 'Pod';

type Reading = Pick<WorkloadProgress, 'state' | 'done' | 'desired' | 'message'>;

const observed = (obj: KubeObject & { status?: { observedGeneration?: number } }) =>
  (obj.status?.observedGeneration ?? 0) >= (obj.metadata.generation ?? 0);

function deploymentProgress(d: Deployment): Reading {
  const status = rolloutStatusMessage(d);
  const s = d.status ?? {};
  return {
    state: status.failed ? 'failed' : status.done ? 'complete' : 'progressing',
    done: Math.min(s.updatedReplicas ?? 0, s.availableReplicas ?? 0),
    desired: d.spec.replicas ?? 1,
    message: status.message,
  };
}

/** kubectl has no rollout status for ReplicaSets: complete when every replica is available and none extra remains. */
function replicaSetProgress(rs: ReplicaSet): Reading {
  const name = rs.metadata.name;
  const desired = rs.spec.replicas ?? 1;
  const s = rs.status ?? { replicas: 0 };
  const available = s.availableReplicas ?? 0;
  if (!observed(rs))
    return {
      state: 'progressing',
      done: available,
      desired,
      message: 'Waiting for replica set spec update to be observed...',
    };
  if (available < desired || s.replicas !== desired) {
    return {
      state: 'progressing',
      done: available,
      desired,
      message: `Waiting for replica set "${name}": ${available} of ${desired} replicas are available (${s.replicas} exist)...`,
    };
  }
  return {
    state: 'complete',
    done: available,
    desired,
    message: `replica set "${name}" has ${desired} available replicas`,
  };
}

/** `kubectl rollout status daemonset/<name>`: every scheduled pod updated, then available. */
function daemonSetProgress(ds: DaemonSet): Reading {
  const name = ds.metadata.name;
  const s = ds.status;
  const desired = s?.desiredNumberScheduled ?? 0;
  const available = s?.numberAvailable ?? 0;
  const waiting = (what: string): Reading => ({
    state: 'progressing',
    done: Math.min(available, s?.updatedNumberScheduled ?? 0),
    desired,
    message: `Waiting for daemon set "${name}" rollout to finish: ${what}...`,
  });
  if (!s || !observed(ds))
    return { state: 'progressing', done: 0, desired, message: 'Waiting for daemon set spec update to be observed...' };
  const updated = s.updatedNumberScheduled ?? 0;
  if (updated < desired) return waiting(`${updated} out of ${desired} new pods have been updated`);
  if (available < desired) return waiting(`${available} of ${desired} updated pods are available`);
  return { state: 'complete', done: available, desired, message: `daemon set "${name}" successfully rolled out` };
}

/**
 * `kubectl rollout status statefulset/<name>`: pods ready (one reading per
 * ordinal as the set comes up in order), then the update: a partitioned
 * rolling update counts the ordinals at or above the partition, otherwise
 * the update revision must become the current one. With `OnDelete` (where
 * kubectl refuses) it is complete once every pod is ready.
 */
function statefulSetProgress(sts: StatefulSet): Reading {
  const name = sts.metadata.name;
  const desired = sts.spec.replicas ?? 1;
  const s = sts.status ?? { replicas: 0 };
  const ready = s.readyReplicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const progressing = (done: number, message: string): Reading => ({ state: 'progressing', done, desired, message });
  if (!s.observedGeneration || !observed(sts))
    return progressing(0, 'Waiting for statefulset spec update to be observed...');
  if (ready < desired) return progressing(ready, `Waiting for ${desired - ready} pods to be ready...`);
  const strategy = sts.spec.updateStrategy;
  if (strategy?.type === 'OnDelete') {
    return {
      state: 'complete',
      done: ready,
      desired,
      message: `statefulset "${name}" has ${ready} ready pods (OnDelete)`,
    };
  }
  if (strategy?.rollingUpdate) {
    const toUpdate = desired - (strategy.rollingUpdate.partition ?? 0);
    if (updated < toUpdate) {
      return progressing(
        updated,
        `Waiting for partitioned roll out to finish: ${updated} out of ${toUpdate} new pods have been updated...`,
      );
    }
    return {
      state: 'complete',
      done: ready,
      desired,
      message: `partitioned roll out complete: ${updated} new pods have been updated...`,
    };
  }
  if (s.updateRevision !== s.currentRevision) {
    return progressing(
      updated,
      `waiting for statefulset rolling update to complete ${updated} pods at revision ${s.updateRevision}...`,
    );
  }
  return {
    state: 'complete',
    done: ready,
    desired,
    message: `statefulset rolling update complete ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision}...`,
  };
}

/** A Job is done when its Complete or Failed condition is True (what `kubectl wait --for=condition=...` waits for). */
function jobProgress(job: Job): Reading {
  const name = job.metadata.name;
  const s = job.status ?? {};
  const succeeded = s.succeeded ?? 0;
  const desired = job.spec.completions ?? Math.max(1, succeeded);
  const condition = (type: string) => s.conditions?.find((c) => c.type === type && c.status === 'True');
  const failed = condition('Failed');
  if (failed) {
    const why = [failed.reason, failed.message].filter(Boolean).join(': ');
    return { state: 'failed', done: succeeded, desired, message: `job "${name}" failed${why ? `: ${why}` : ''}` };
  }
  if (condition('Complete')) {
    return { state: 'complete', done: succeeded, desired, message: `job "${name}" completed: ${succeeded} succeeded` };
  }
  const active = s.active ?? 0;
  const failures = s.failed ? `, ${s.failed} failed` : '';
  return {
    state: 'progressing',
    done: succeeded,
    desired,
    message: `Waiting for job "${name}" to complete: ${succeeded} of ${desired} succeeded, ${active} active${failures}...`,
  };
}

/**
 * A bare Pod is done once it is Ready (`kubectl wait --for=condition=Ready`)
 * or has Succeeded; it failed when its phase is Failed. While it waits, the
 * message names the first container's waiting reason (CrashLoopBackOff,
 * ErrImagePull, ...) so that a stuck pod says why.
 */
function podProgress(pod: Pod): Reading {
  const name = pod.metadata.name;
  const phase = pod.status?.phase ?? 'Pending';
  if (phase === 'Succeeded') return { state: 'complete', done: 1, desired: 1, message: `pod "${name}" succeeded` };
  if (phase === 'Failed') {
    const why = [pod.status?.reason, pod.status?.message].filter(Boolean).join(': ');
    return { state: 'failed', done: 0, desired: 1, message: `pod "${name}" failed${why ? `: ${why}` : ''}` };
  }
  if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
    return { state: 'complete', done: 1, desired: 1, message: `pod "${name}" is ready` };
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const waiting = statuses.find((s) => s.state?.waiting?.reason)?.state?.waiting?.reason;
  return {
    state: 'progressing',
    done: 0,
    desired: 1,
    message: `Waiting for pod "${name}" to be ready: ${phase}${waiting ? ` (${waiting})` : ''}...`,
  };
}

const readers: Record<ProgressKind, (obj: never) => Reading> = {
  Deployment: deploymentProgress,
  ReplicaSet: replicaSetProgress,
  DaemonSet: daemonSetProgress,
  StatefulSet: statefulSetProgress,
  Job: jobProgress,
  Pod: podProgress,
};

/** True for the kinds whose progress `workloadProgress` can read. */
export function isProgressKind(kind: string): kind is ProgressKind {
  return Object.hasOwn(readers, kind);
}

/**
 * How far a workload is, from its status alone: a Deployment's rollout
 * (kubectl's `rollout status` rules and words), a ReplicaSet's available
 * replicas, a DaemonSet's rollout on its nodes, a StatefulSet's ordinals
 * and update (kubectl's rules), a Job's completions, a Pod's readiness.
 *
 * @throws TypeError for a kind that is not a `ProgressKind` (check with `isProgressKind`).
 */
export function workloadProgress(obj: Deployment | ReplicaSet | DaemonSet | StatefulSet | Job | Pod): WorkloadProgress {
  if (!isProgressKind(obj.kind)) throw new TypeError(`no progress rules for kind ${obj.kind}`);
  const read = readers[obj.kind] as (o: typeof obj) => Reading;
  return { kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name, ...read(obj) };
}
