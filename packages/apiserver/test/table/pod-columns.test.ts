import type { KubeObject } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { podPrinter } from '../../src/table/columns/pods.js';
import { toTable } from '../../src/table/to-table.js';

const running = { running: {} };
const pod = (name: string, status: object, containers = 2, extra: object = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...extra },
    spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}` })) },
    status,
  }) as KubeObject;

const cells = (p: KubeObject) =>
  toTable(podPrinter, [p], { now: Date.UTC(2026, 0, 1), includeObject: 'None' }).rows[0]!.cells.slice(0, 5);

// Ported as data from kubernetes/kubernetes pkg/printers/internalversion/printers_test.go (TestPrintPod).
const upstream: [KubeObject, (string | number)[]][] = [
  [
    pod('test1', {
      phase: 'podPhase',
      containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }],
    }),
    ['test1', '1/2', 'podPhase', '6', '<unknown>'],
  ],
  [
    pod('test2', {
      phase: 'podPhase',
      containerStatuses: [
        { ready: true, restartCount: 3, state: running },
        { restartCount: 3, state: { waiting: { reason: 'ContainerWaitingReason' } } },
      ],
    }),
    ['test2', '1/2', 'ContainerWaitingReason', '6', '<unknown>'],
  ],
  [
    pod('test3', {
      phase: 'podPhase',
      containerStatuses: [
        { restartCount: 3, state: { waiting: { reason: 'ContainerWaitingReason' } } },
        { restartCount: 3, state: { terminated: { reason: 'ContainerTerminatedReason' } } },
      ],
    }),
    ['test3', '0/2', 'ContainerWaitingReason', '6', '<unknown>'],
  ],
  [
    pod('test4', {
      phase: 'podPhase',
      containerStatuses: [
        { ready: true, restartCount: 3, state: running },
        { ready: true, restartCount: 3 },
      ],
    }),
    ['test4', '1/2', 'podPhase', '6', '<unknown>'],
  ],
  [
    pod('test5', {
      reason: 'podReason',
      phase: 'podPhase',
      containerStatuses: [
        { ready: true, restartCount: 3, state: running },
        { ready: true, restartCount: 3 },
      ],
    }),
    ['test5', '1/2', 'podReason', '6', '<unknown>'],
  ],
  [
    pod('test6', {
      phase: 'Running',
      containerStatuses: [
        { ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
        { ready: true, restartCount: 3, state: running },
      ],
    }),
    ['test6', '1/2', 'NotReady', '6', '<unknown>'],
  ],
  [
    pod('test7', {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
        { ready: true, restartCount: 3, state: running },
      ],
    }),
    ['test7', '1/2', 'Running', '6', '<unknown>'],
  ],
];

describe('pod columns: READY, STATUS and RESTARTS as kubectl prints them', () => {
  it.each(upstream)('%#: %j', (p, expected) => {
    expect(cells(p)).toEqual(expected);
  });

  it.each([
    ['an init container still running', { phase: 'Pending', initContainerStatuses: [{ state: running }] }, 'Init:0/1'],
    [
      'an init container that failed',
      { phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 2 } } }] },
      'Init:ExitCode:2',
    ],
    [
      'an init container crash-looping',
      { phase: 'Pending', initContainerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
      'Init:CrashLoopBackOff',
    ],
  ])('%s', (_, status, expected) => {
    const p = pod('init', status, 1);
    (p.spec as { initContainers: unknown[] }).initContainers = [{ name: 'setup' }];
    expect(cells(p)[2]).toBe(expected);
  });

  it('a pod being deleted is Terminating', () => {
    const p = pod('gone', { phase: 'Running' }, 1, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    expect(cells(p)[2]).toBe('Terminating');
  });

  it('restarts show when the last one was: "2 (5m ago)"', () => {
    const p = pod(
      'r',
      {
        phase: 'Running',
        containerStatuses: [
          {
            ready: true,
            restartCount: 2,
            state: running,
            lastState: { terminated: { finishedAt: '2025-12-31T23:55:00Z' } },
          },
        ],
      },
      1,
    );
    expect(cells(p)[3]).toBe('2 (5m ago)');
  });

  it('wide columns (priority 1): IP, NODE, NOMINATED NODE, READINESS GATES', () => {
    const table = toTable(podPrinter, [pod('w', { podIP: '10.0.0.5' }, 1)], { now: 0, includeObject: 'Metadata' });
    const wide = table.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name);
    expect(wide).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    expect(table.rows[0]!.cells.slice(5)).toEqual(['10.0.0.5', '<none>', '<none>', '<none>']);
    expect(table.rows[0]!.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'w' },
    });
  });
});
