import type { Node } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { isIgnorableNodeUpdate } from '../../src/daemonset/node-updates.js';

// Kubernetes: pkg/controller/daemon/daemon_controller.go, shouldIgnoreNodeUpdate and nodeInSameCondition.
function node(change: (n: Node) => void = () => {}): Node {
  const n: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n', resourceVersion: '1', labels: { pool: 'a' } },
    spec: {},
    status: {
      allocatable: { cpu: '4' },
      conditions: [
        { type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:00Z' },
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2026-01-01T00:00:00Z' },
      ],
    },
  };
  change(n);
  return n;
}

describe('isIgnorableNodeUpdate (DaemonSet controller)', () => {
  const cases: [string, Node, boolean][] = [
    [
      'a heartbeat: new resourceVersion and heartbeat times',
      node((n) => {
        n.metadata.resourceVersion = '2';
        for (const c of n.status?.conditions ?? []) c.lastHeartbeatTime = '2026-01-01T00:00:10Z';
      }),
      true,
    ],
    [
      'a False condition changing to Unknown (still not True)',
      node((n) => {
        if (n.status?.conditions?.[1]) n.status.conditions[1].status = 'Unknown';
      }),
      true,
    ],
    [
      'Ready becoming False',
      node((n) => {
        if (n.status?.conditions?.[0]) n.status.conditions[0].status = 'False';
      }),
      false,
    ],
    [
      'a pressure condition becoming True',
      node((n) => {
        if (n.status?.conditions?.[1]) n.status.conditions[1].status = 'True';
      }),
      false,
    ],
    [
      'a label change',
      node((n) => {
        n.metadata.labels = { pool: 'b' };
      }),
      false,
    ],
    [
      'a taint',
      node((n) => {
        n.spec = { taints: [{ key: 'k', effect: 'NoSchedule' }] };
      }),
      false,
    ],
    [
      'cordoned',
      node((n) => {
        n.spec = { unschedulable: true };
      }),
      false,
    ],
    [
      'allocatable changed',
      node((n) => {
        if (n.status) n.status.allocatable = { cpu: '2' };
      }),
      false,
    ],
  ];
  it.each(cases)('%s -> ignorable %s', (_, updated, ignorable) => {
    expect(isIgnorableNodeUpdate(node(), updated)).toBe(ignorable);
  });
});
