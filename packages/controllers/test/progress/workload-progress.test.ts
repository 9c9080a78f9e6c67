import type { DaemonSet, Job, Pod, ReplicaSet, StatefulSet } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { type WorkloadProgress, workloadProgress } from '../../src/index.js';
import { testDeployment, testJob } from '../support/builders.js';

type Reading = Pick<WorkloadProgress, 'state' | 'done' | 'desired' | 'message'>;

function daemonSet(status: DaemonSet['status'], generation = 1): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', generation },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } },
    },
    status,
  };
}

function replicaSet(replicas: number, status: ReplicaSet['status'], generation = 1): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-abc', namespace: 'default', generation },
    spec: { replicas, selector: { matchLabels: { app: 'web' } } },
    status,
  };
}

function job(status: Job['status'], completions?: number): Job {
  return { ...testJob('pi', completions === undefined ? {} : { completions }), status };
}

function pod(status: Pod['status']): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'one', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'x' }] },
    status,
  };
}

function statefulSet(
  status: StatefulSet['status'],
  updateStrategy: StatefulSet['spec']['updateStrategy'] = { type: 'RollingUpdate' },
): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default', generation: 1 },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
      updateStrategy,
    },
    status,
  };
}

const dsStatus = (desired: number, updated: number, available: number) => ({
  observedGeneration: 1,
  desiredNumberScheduled: desired,
  currentNumberScheduled: desired,
  numberMisscheduled: 0,
  numberReady: available,
  updatedNumberScheduled: updated,
  numberAvailable: available,
});

describe('workloadProgress: how far a workload is, from its status alone', () => {
  const deployment = (status: NonNullable<ReturnType<typeof testDeployment>['status']>) => ({
    ...testDeployment('web', 3),
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    status: { observedGeneration: 1, ...status },
  });
  const table: { name: string; obj: Parameters<typeof workloadProgress>[0]; want: Reading }[] = [
    {
      name: 'Deployment mid-rollout (kubectl rollout status wording)',
      obj: deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 1 }),
      want: {
        state: 'progressing',
        done: 1,
        desired: 3,
        message: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
      },
    },
    {
      name: 'Deployment rolled out',
      obj: deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      want: { state: 'complete', done: 3, desired: 3, message: 'deployment "web" successfully rolled out' },
    },
    {
      name: 'Deployment past its progress deadline',
      obj: deployment({
        replicas: 3,
        updatedReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
      want: { state: 'failed', done: 0, desired: 3, message: 'deployment "web" exceeded its progress deadline' },
    },
    {
      name: 'ReplicaSet not observed yet',
      obj: replicaSet(3, { replicas: 0, observedGeneration: 0 }),
      want: {
        state: 'progressing',
        done: 0,
        desired: 3,
        message: 'Waiting for replica set spec update to be observed...',
      },
    },
    {
      name: 'ReplicaSet with an extra replica still there',
      obj: replicaSet(2, { replicas: 3, availableReplicas: 2, observedGeneration: 1 }),
      want: {
        state: 'progressing',
        done: 2,
        desired: 2,
        message: 'Waiting for replica set "web-abc": 2 of 2 replicas are available (3 exist)...',
      },
    },
    {
      name: 'ReplicaSet complete',
      obj: replicaSet(2, { replicas: 2, availableReplicas: 2, observedGeneration: 1 }),
      want: { state: 'complete', done: 2, desired: 2, message: 'replica set "web-abc" has 2 available replicas' },
    },
    {
      name: 'DaemonSet before the controller saw it',
      obj: daemonSet(undefined),
      want: {
        state: 'progressing',
        done: 0,
        desired: 0,
        message: 'Waiting for daemon set spec update to be observed...',
      },
    },
    {
      name: 'DaemonSet updating its pods',
      obj: daemonSet(dsStatus(3, 1, 1)),
      want: {
        state: 'progressing',
        done: 1,
        desired: 3,
        message: 'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...',
      },
    },
    {
      name: 'DaemonSet updated, pods not all available',
      obj: daemonSet(dsStatus(3, 3, 2)),
      want: {
        state: 'progressing',
        done: 2,
        desired: 3,
        message: 'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...',
      },
    },
    {
      name: 'DaemonSet rolled out',
      obj: daemonSet(dsStatus(3, 3, 3)),
      want: { state: 'complete', done: 3, desired: 3, message: 'daemon set "agent" successfully rolled out' },
    },
    {
      name: 'StatefulSet not observed yet',
      obj: statefulSet({ replicas: 0 }),
      want: {
        state: 'progressing',
        done: 0,
        desired: 3,
        message: 'Waiting for statefulset spec update to be observed...',
      },
    },
    {
      name: 'StatefulSet coming up ordinal by ordinal',
      obj: statefulSet({ observedGeneration: 1, replicas: 2, readyReplicas: 1 }),
      want: { state: 'progressing', done: 1, desired: 3, message: 'Waiting for 2 pods to be ready...' },
    },
    {
      name: 'StatefulSet rolling update in progress',
      obj: statefulSet({
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 'db-1',
        updateRevision: 'db-2',
      }),
      want: {
        state: 'progressing',
        done: 1,
        desired: 3,
        message: 'waiting for statefulset rolling update to complete 1 pods at revision db-2...',
      },
    },
    {
      name: 'StatefulSet rolled out',
      obj: statefulSet({
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'db-2',
        updateRevision: 'db-2',
      }),
      want: {
        state: 'complete',
        done: 3,
        desired: 3,
        message: 'statefulset rolling update complete 3 pods at revision db-2...',
      },
    },
    {
      name: 'StatefulSet partitioned update waits for the ordinals at or above the partition',
      obj: statefulSet(
        { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 0 },
        { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      ),
      want: {
        state: 'progressing',
        done: 0,
        desired: 3,
        message: 'Waiting for partitioned roll out to finish: 0 out of 2 new pods have been updated...',
      },
    },
    {
      name: 'StatefulSet partitioned update done',
      obj: statefulSet(
        { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 2 },
        { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      ),
      want: {
        state: 'complete',
        done: 3,
        desired: 3,
        message: 'partitioned roll out complete: 2 new pods have been updated...',
      },
    },
    {
      name: 'Job running',
      obj: job({ active: 2, succeeded: 1, failed: 1 }, 3),
      want: {
        state: 'progressing',
        done: 1,
        desired: 3,
        message: 'Waiting for job "pi" to complete: 1 of 3 succeeded, 2 active, 1 failed...',
      },
    },
    {
      name: 'Job complete',
      obj: job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }),
      want: { state: 'complete', done: 1, desired: 1, message: 'job "pi" completed: 1 succeeded' },
    },
    {
      name: 'Job failed, with the reason of its condition',
      obj: job({
        failed: 7,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      }),
      want: {
        state: 'failed',
        done: 0,
        desired: 1,
        message: 'job "pi" failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
      },
    },
    {
      name: 'Pod waiting, with the reason of its container',
      obj: pod({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'c',
            ready: false,
            restartCount: 2,
            image: 'x',
            imageID: '',
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      }),
      want: {
        state: 'progressing',
        done: 0,
        desired: 1,
        message: 'Waiting for pod "one" to be ready: Pending (CrashLoopBackOff)...',
      },
    },
    {
      name: 'Pod ready',
      obj: pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }),
      want: { state: 'complete', done: 1, desired: 1, message: 'pod "one" is ready' },
    },
    {
      name: 'Pod succeeded',
      obj: pod({ phase: 'Succeeded' }),
      want: { state: 'complete', done: 1, desired: 1, message: 'pod "one" succeeded' },
    },
    {
      name: 'Pod failed',
      obj: pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on memory.' }),
      want: { state: 'failed', done: 0, desired: 1, message: 'pod "one" failed: Evicted: The node was low on memory.' },
    },
  ];
  it.each(table)('$name', ({ obj, want }) => {
    expect(workloadProgress(obj)).toEqual({
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      ...want,
    });
  });

  it('refuses a kind it has no rules for', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } } as unknown as Job;
    expect(() => workloadProgress(service)).toThrow('no progress rules for kind Service');
  });
});
