import type { StatefulSet } from '../model/apps-v1.js';
import { defaultPodSpec } from './pod.js';

/**
 * StatefulSet, as Kubernetes' `SetDefaults_StatefulSet`: one replica,
 * OrderedReady pod management, RollingUpdate with partition 0, 10
 * revisions kept, claims retained on deletion and scale-down, claim
 * templates in Filesystem mode; template pod-spec defaults.
 */
export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = sts.spec;
  if (!spec) return;
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= {};
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
  for (const t of spec.volumeClaimTemplates ?? []) if (t?.spec) t.spec.volumeMode ??= 'Filesystem';
  defaultPodSpec(spec.template?.spec);
}
