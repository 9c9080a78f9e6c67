import type { InformerEvent, Node, Pod, Taint } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { managerContext } from '../../src/controller-context/controller-context.js';
import { TaintEvictionReconciler } from '../../src/node-lifecycle/taint-eviction-controller.js';
import { NodeCluster } from './node-cluster.js';

const drain: Taint = { key: 'example.com/drain', effect: 'NoExecute' };
const noSchedule: Taint = { key: 'example.com/quiet', effect: 'NoSchedule' };

function pod(name: string, nodeName?: string, extra: Partial<Pod['spec']> = {}, deleting = false): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'c', image: 'x' }], nodeName, ...extra },
  };
}
function node(name: string, taints?: Taint[], ready: 'True' | 'False' = 'True'): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { taints },
    status: { conditions: [{ type: 'Ready', status: ready }] },
  };
}
const event = <T extends Pod | Node>(type: InformerEvent['type'], object: T, oldObject?: T): InformerEvent<T> => ({
  type,
  object,
  oldObject,
  isInInitialList: false,
});
const running = (p: Pod): Pod => ({ ...p, status: { phase: 'Running' } });

describe('what wakes the taint eviction controller (Kubernetes taint manager PodUpdated/NodeUpdated)', () => {
  let cluster: NodeCluster;
  let eviction: TaintEvictionReconciler;
  beforeEach(async () => {
    cluster = new NodeCluster();
    await cluster.addNode('clean');
    await cluster.addNode('tainted');
    await cluster.start();
    await cluster.api.resource('Node').patch('tainted', { spec: { taints: [drain] } });
    await cluster.run(1000);
    eviction = new TaintEvictionReconciler(managerContext(cluster.manager, 'test', 'test'));
  });
  afterEach(() => cluster.stop());

  const tolerant = {
    tolerations: [{ key: 'example.com/drain', operator: 'Exists' as const, effect: 'NoExecute' as const }],
  };
  const podCases: [string, InformerEvent<Pod>, string[]][] = [
    ['a new pod on a node without NoExecute taints', event('added', pod('a', 'clean')), []],
    ['a new pod on a NoExecute-tainted node', event('added', pod('a', 'tainted')), ['tainted']],
    ['a new pod on a node the cache does not hold yet', event('added', pod('a', 'unseen')), []],
    ['an unbound pod', event('added', pod('a')), []],
    ['a status update on a tainted node', event('updated', running(pod('a', 'tainted')), pod('a', 'tainted')), []],
    ['a binding to a tainted node', event('updated', pod('a', 'tainted'), pod('a')), ['tainted']],
    ['a binding to a clean node', event('updated', pod('a', 'clean'), pod('a')), []],
    [
      'new tolerations on a tainted node',
      event('updated', pod('a', 'tainted', tolerant), pod('a', 'tainted')),
      ['tainted'],
    ],
    ['new tolerations on a clean node', event('updated', pod('a', 'clean', tolerant), pod('a', 'clean')), []],
    [
      'a deletion starting on a tainted node',
      event('updated', pod('a', 'tainted', {}, true), pod('a', 'tainted')),
      ['tainted'],
    ],
    ['a deleted pod', event('deleted', pod('a', 'tainted')), []],
  ];
  it.each(podCases)('pod event: %s', (_, e, nodes) => {
    expect(eviction.podRequests(e).map((r) => r.name)).toEqual(nodes);
  });

  const nodeCases: [string, InformerEvent<Node>, string[]][] = [
    ['a new node without taints', event('added', node('n')), []],
    ['a new node with only a NoSchedule taint', event('added', node('n', [noSchedule])), []],
    ['a new node with a NoExecute taint', event('added', node('n', [drain])), ['n']],
    ['a status update', event('updated', node('n', [drain], 'False'), node('n', [drain])), []],
    ['a NoSchedule taint added', event('updated', node('n', [noSchedule]), node('n')), []],
    ['a NoExecute taint added', event('updated', node('n', [drain]), node('n')), ['n']],
    ['a NoExecute taint removed', event('updated', node('n'), node('n', [drain])), ['n']],
    ['a deleted node', event('deleted', node('n', [drain])), []],
  ];
  it.each(nodeCases)('node event: %s', (_, e, nodes) => {
    expect(eviction.nodeRequests(e).map((r) => r.name)).toEqual(nodes);
  });

  it('never reconciles for pod changes on a clean node, and still evicts once a NoExecute taint comes later', async () => {
    const reconcile = vi.spyOn(cluster.controllers.eviction, 'reconcile');
    const pods = cluster.api.resource('Pod');
    await pods.create(pod('late', 'clean'));
    for (const phase of ['Pending', 'Running'] as const) {
      await pods.patchStatus('default', 'late', { status: { phase } });
      await cluster.run(1000);
    }
    expect(reconcile).not.toHaveBeenCalled();
    await cluster.api.resource('Node').patch('clean', { spec: { taints: [drain] } });
    await cluster.run(1000);
    expect(reconcile).toHaveBeenCalledWith(expect.objectContaining({ name: 'clean' }), expect.anything());
    expect((await pods.get('default', 'late')).metadata.deletionTimestamp).toBeDefined();
  });
});
