import type { DaemonSet, Deployment, Endpoints, Event, Job, Node, Pod } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { endpointSummary } from '../../src/browser/model/endpoint-summary.js';
import { filterEvents } from '../../src/browser/model/event-filter.js';
import { nodeLoads, podRequests } from '../../src/browser/model/node-load.js';
import { podStatus, readiness, restarts } from '../../src/browser/model/pod-columns.js';
import { formatBytes, formatCpu, quantityValue } from '../../src/browser/model/quantity.js';
import { workloadProgress } from '../../src/browser/model/workload-progress.js';

describe('quantityValue reads Kubernetes quantities for the bars', () => {
  it.each([
    ['250m', 0.25],
    ['2', 2],
    ['1.5', 1.5],
    ['100n', 1e-7],
    ['3800m', 3.8],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1e3', 1000],
    ['1.5E-1', 0.15],
    ['.5', 0.5],
    [3, 3],
    [undefined, 0],
    ['12x', 0],
  ])('%s is %s', (q, value) => {
    expect(quantityValue(q)).toBeCloseTo(value, 12);
  });

  it.each([
    [0, '0'],
    [0.25, '250m'],
    [4, '4'],
    [1.5, '1.5'],
  ])('formatCpu(%s) = %s', (cores, text) => expect(formatCpu(cores)).toBe(text));

  it.each([
    [512, '512'],
    [128 * 2 ** 20, '128Mi'],
    [1.5 * 2 ** 30, '1.5Gi'],
  ])('formatBytes(%s) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

const container = (cpu: string, memory: string) => ({
  name: `c-${cpu}`,
  image: 'i',
  resources: { requests: { cpu, memory } },
});

const pod = (name: string, spec: Partial<Pod['spec']>, phase = 'Running'): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [], ...spec },
    status: { phase },
  }) as Pod;

describe('podRequests counts as the scheduler counts', () => {
  it.each([
    ['the sum of the containers', { containers: [container('100m', '64Mi'), container('200m', '64Mi')] }, 0.3, 128],
    [
      'the largest init container when it asks for more',
      { containers: [container('100m', '64Mi')], initContainers: [container('500m', '32Mi'), container('50m', '1Gi')] },
      0.5,
      1024,
    ],
    [
      'plus the pod overhead',
      { containers: [container('100m', '64Mi')], overhead: { cpu: '10m', memory: '1Mi' } },
      0.11,
      65,
    ],
    ['nothing without requests', { containers: [{ name: 'c', image: 'i' }] }, 0, 0],
  ])('%s', (_, spec, cpu, memoryMi) => {
    const r = podRequests(pod('p', spec as Partial<Pod['spec']>));
    expect(r.cpu).toBeCloseTo(cpu, 9);
    expect(r.memory).toBe(memoryMi * 2 ** 20);
  });
});

describe('nodeLoads', () => {
  const node = (name: string): Node =>
    ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      status: {
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        allocatable: { cpu: '3800m', memory: '7Gi', pods: '100' },
      },
    }) as Node;

  it('adds up the pods bound to each node that still hold resources; finished and unbound pods do not count', () => {
    const loads = nodeLoads(
      [node('b'), node('a')],
      [
        pod('1', { nodeName: 'a', containers: [container('500m', '1Gi')] }),
        pod('2', { nodeName: 'a', containers: [container('250m', '1Gi')] }, 'Pending'),
        pod('3', { nodeName: 'a', containers: [container('1', '1Gi')] }, 'Succeeded'),
        pod('4', { nodeName: 'b', containers: [container('1', '1Gi')] }, 'Failed'),
        pod('5', { containers: [container('1', '1Gi')] }, 'Pending'),
        pod('6', { nodeName: 'gone', containers: [container('1', '1Gi')] }),
      ],
    );
    expect(loads.map((l) => [l.name, l.pods, l.requested.cpu, l.requested.memory / 2 ** 30])).toEqual([
      ['a', 2, 0.75, 2],
      ['b', 0, 0, 0],
    ]);
    expect(loads[0].allocatable).toEqual({ cpu: 3.8, memory: 7 * 2 ** 30, pods: 100 });
    expect(loads[0].capacity).toEqual({ cpu: 4, memory: 8 * 2 ** 30, pods: 110 });
  });
});

const meta = (generation = 1) => ({ name: 'w', namespace: 'default', generation });

describe('workloadProgress reads rollouts as kubectl rollout status does', () => {
  it.each([
    [
      'a Deployment mid-rollout: updated and available, of desired',
      'Deployment',
      {
        metadata: meta(),
        spec: { replicas: 4 },
        status: { observedGeneration: 1, replicas: 4, updatedReplicas: 3, availableReplicas: 2 },
      },
      {
        done: 2,
        desired: 4,
        complete: false,
        summary: '2/4 updated and available (1 old replicas pending termination)',
      },
    ],
    [
      'a Deployment with old replicas still running is not complete',
      'Deployment',
      {
        metadata: meta(),
        spec: { replicas: 2 },
        status: { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
      },
      {
        done: 2,
        desired: 2,
        complete: false,
        summary: '2/2 updated and available (1 old replicas pending termination)',
      },
    ],
    [
      'a Deployment whose new spec the controller has not seen',
      'Deployment',
      {
        metadata: meta(2),
        spec: { replicas: 3 },
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      },
      { done: 2, desired: 3, complete: false, summary: '2/3 updated and available (spec change not yet observed)' },
    ],
    [
      'a finished Deployment',
      'Deployment',
      {
        metadata: meta(),
        spec: { replicas: 2 },
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      },
      { done: 2, desired: 2, complete: true, summary: '2/2 updated and available' },
    ],
    [
      'a Deployment without replicas set wants one',
      'Deployment',
      { metadata: meta(), spec: {}, status: { observedGeneration: 1 } },
      { done: 0, desired: 1, complete: false, summary: '0/1 updated and available' },
    ],
    [
      'a DaemonSet counts nodes updated and available',
      'DaemonSet',
      {
        metadata: meta(),
        spec: {},
        status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 },
      },
      { done: 2, desired: 3, complete: false, summary: '2/3 nodes updated and available' },
    ],
    [
      'a Job counts completions',
      'Job',
      { metadata: meta(), spec: { completions: 5 }, status: { succeeded: 5 } },
      { done: 5, desired: 5, complete: true, summary: '5/5 completions' },
    ],
  ])('%s', (_, kind, obj, expected) => {
    expect(workloadProgress(kind, obj as unknown as Deployment | DaemonSet | Job)).toEqual(expected);
  });

  it('has no reading for a CronJob', () => {
    expect(workloadProgress('CronJob', { metadata: meta(), spec: { schedule: '* * * * *' } } as never)).toBeUndefined();
  });
});

describe('pod columns, as kubectl get pods prints them', () => {
  const p = pod('p', { containers: [container('1', '1'), container('2', '2')] });
  p.status = {
    phase: 'Running',
    containerStatuses: [
      { name: 'a', ready: true, restartCount: 2 },
      { name: 'b', ready: false, restartCount: 1 },
    ],
  } as Pod['status'];
  it('READY is ready of all containers, RESTARTS their sum, STATUS the phase or Terminating', () => {
    expect([readiness(p), restarts(p), podStatus(p)]).toEqual(['1/2', 3, 'Running']);
    expect(podStatus({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } })).toBe(
      'Terminating',
    );
  });
});

describe('endpointSummary', () => {
  it('lists ready ip:port pairs and counts the not-ready addresses', () => {
    const ep = {
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }],
          notReadyAddresses: [{ ip: '10.0.0.3' }],
          ports: [{ port: 80 }],
        },
        { addresses: [{ ip: '10.0.1.1' }] },
      ],
    } as Endpoints;
    expect(endpointSummary(ep)).toEqual({ ready: ['10.0.0.1:80', '10.0.0.2:80', '10.0.1.1'], notReady: 1 });
    expect(endpointSummary(undefined)).toEqual({ ready: [], notReady: 0 });
  });
});

describe('filterEvents', () => {
  const event = (name: string, namespace: string, type: 'Normal' | 'Warning', reason: string, last: string): Event =>
    ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { kind: 'Pod', name: `pod-${name}` },
      reason,
      message: `message of ${name}`,
      type,
      lastTimestamp: last,
    }) as Event;
  const events = [
    event('a', 'default', 'Normal', 'Pulled', '2026-01-01T00:00:01Z'),
    event('b', 'kube-system', 'Warning', 'BackOff', '2026-01-01T00:00:03Z'),
    event('c', 'default', 'Warning', 'FailedScheduling', '2026-01-01T00:00:02Z'),
  ];
  it.each([
    ['no filter: newest first', { namespace: '', type: '', text: '' }, ['b', 'c', 'a']],
    ['by namespace', { namespace: 'default', type: '', text: '' }, ['c', 'a']],
    ['by type', { namespace: '', type: 'Warning', text: '' }, ['b', 'c']],
    ['by text in the reason, any case', { namespace: '', type: '', text: 'backoff' }, ['b']],
    ['by text in the object', { namespace: '', type: '', text: 'pod-a' }, ['a']],
    ['all at once', { namespace: 'default', type: 'Warning', text: 'scheduling' }, ['c']],
  ] as const)('%s', (_, filter, names) => {
    expect(filterEvents(events, filter).map((e) => e.metadata.name)).toEqual(names);
  });
});
