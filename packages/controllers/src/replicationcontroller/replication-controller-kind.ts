import type { ReplicationController } from '@flotilla/core';
import type { ReplicaSetKind } from '../replicaset/replica-set-kind.js';

/**
 * The adapter for v1 ReplicationController: its selector is a plain label
 * map, defaulting (as in Kubernetes) to the template's labels.
 */
export const replicationControllerKind: ReplicaSetKind<ReplicationController> = {
  kind: 'ReplicationController',
  selector: (rc) => ({ matchLabels: rc.spec.selector ?? rc.spec.template?.metadata?.labels ?? {} }),
  template: (rc) => rc.spec.template,
  replicas: (rc) => rc.spec.replicas ?? 1,
  minReadySeconds: (rc) => rc.spec.minReadySeconds ?? 0,
  status: (rc) => rc.status,
};
