import type { DaemonSet, Deployment, Job, JobSpec, Pod } from '@flotilla/core';

/** Options for `testPod`: the facts deletion order and availability look at. */
export interface TestPodOptions {
  node?: string;
  phase?: 'Pending' | 'Running' | 'Unknown' | 'Succeeded' | 'Failed';
  /** When it became ready (ISO time); absent = not ready. */
  readySince?: string;
  restarts?: number;
  created?: string;
  cost?: number;
}

/** A pod with just the fields a test cares about. */
export function testPod(name: string, o: TestPodOptions = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      ...(o.cost !== undefined
        ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } }
        : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] : [],
      containerStatuses: [{ name: 'c', ready: !!o.readySince, restartCount: o.restarts ?? 0, image: 'busybox' }],
    },
  };
}

/** A Deployment with `replicas` and a RollingUpdate strategy. */
export function testDeployment(
  name: string,
  replicas: number,
  rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string },
  image = 'nginx:1',
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate },
    },
  };
}

/** What a test DaemonSet may set beyond its fixed name (`agent` in `default`) and labels. */
export interface TestDaemonSetOptions {
  image?: string;
  updateStrategy?: DaemonSet['spec']['updateStrategy'];
  nodeSelector?: Record<string, string>;
}

/** The DaemonSet `agent` in `default`, one container `c` (image `agent:1` unless given). */
export function testDaemonSet(o: TestDaemonSetOptions = {}): DaemonSet {
  const podSpec: DaemonSet['spec']['template']['spec'] = { containers: [{ name: 'c', image: o.image ?? 'agent:1' }] };
  if (o.nodeSelector) podSpec.nodeSelector = o.nodeSelector;
  const spec: DaemonSet['spec'] = {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: podSpec },
  };
  if (o.updateStrategy) spec.updateStrategy = o.updateStrategy;
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec };
}

/** A Job in `default` running busybox pods that never restart, with `spec` merged in. */
export function testJob(name: string, spec: Partial<JobSpec> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      ...spec,
    },
  };
}
