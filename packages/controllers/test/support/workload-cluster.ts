import type { ReplicaSet } from '@flotilla/core';
import { DeploymentReconciler } from '../../src/deployment/deployment-controller.js';
import { ReplicaSetReconciler } from '../../src/replicaset/replica-set-controller.js';
import { replicaSetKind } from '../../src/replicaset/replica-set-kind.js';
import { TestCluster } from './cluster.js';

/** A TestCluster driving the Deployment and ReplicaSet controllers together. */
export async function deploymentCluster(nodes?: readonly string[]): Promise<TestCluster> {
  const cluster = new TestCluster(nodes);
  const rs = new ReplicaSetReconciler<ReplicaSet>(cluster.ctx, replicaSetKind);
  await cluster.start([
    { kind: 'Deployment', reconciler: new DeploymentReconciler(cluster.ctx) },
    { kind: 'ReplicaSet', reconciler: rs, observePodEvent: (t, p, o) => rs.observePodEvent(t, p, o) },
  ]);
  return cluster;
}
