import type { DaemonSet, Deployment, ReplicaSet } from '../model/apps-v1.js';
import type { ReplicationController } from '../model/core-v1.js';
import { defaultPodSpec } from './pod.js';

/** ReplicaSet: one replica; template pod-spec defaults. */
export function defaultReplicaSet(rs: ReplicaSet): void {
  if (!rs.spec) return;
  rs.spec.replicas ??= 1;
  defaultPodSpec(rs.spec.template?.spec);
}

/**
 * ReplicationController: one replica; an absent selector and absent object
 * labels are copied from the template labels, as Kubernetes does.
 */
export function defaultReplicationController(rc: ReplicationController): void {
  if (!rc.spec) return;
  rc.spec.replicas ??= 1;
  const templateLabels = rc.spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(templateLabels).length > 0) {
    if (!rc.spec.selector || Object.keys(rc.spec.selector).length === 0) rc.spec.selector = { ...templateLabels };
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...templateLabels };
  }
  defaultPodSpec(rc.spec.template?.spec);
}

/**
 * Deployment: one replica, RollingUpdate with 25% surge / 25% unavailable,
 * 10 old ReplicaSets kept, 600 s progress deadline; template pod-spec defaults.
 */
export function defaultDeployment(d: Deployment): void {
  if (!d.spec) return;
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodSpec(spec.template?.spec);
}

/** DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, 10 revisions kept; template pod-spec defaults. */
export function defaultDaemonSet(ds: DaemonSet): void {
  if (!ds.spec) return;
  const spec = ds.spec;
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodSpec(spec.template?.spec);
}
