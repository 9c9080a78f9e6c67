import type { Pod } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { podsToEvict } from '../../src/browser/model/drain-plan.js';

const pod = (name: string, extra: { node?: string; phase?: string; owner?: string; mirror?: boolean }): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      ...(extra.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'hash' } } : {}),
      ...(extra.owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: extra.owner, name: 'o', uid: 'u', controller: true }] }
        : {}),
    },
    spec: { nodeName: extra.node ?? 'n1', containers: [] },
    status: { phase: extra.phase ?? 'Running' },
  }) as Pod;

describe('podsToEvict picks what kubectl drain --ignore-daemonsets --delete-emptydir-data --force evicts', () => {
  it.each([
    ['a ReplicaSet pod on the node', pod('rs', { owner: 'ReplicaSet' }), true],
    ['a pod without a controller (--force)', pod('bare', {}), true],
    ['a pod on another node', pod('elsewhere', { node: 'n2' }), false],
    ['a DaemonSet pod (it would come back)', pod('ds', { owner: 'DaemonSet' }), false],
    ['a mirror pod (its node agent owns it)', pod('mirror', { mirror: true }), false],
    ['a finished pod', pod('done', { phase: 'Succeeded' }), false],
    ['a failed pod', pod('failed', { phase: 'Failed' }), false],
  ])('%s: evicted %s', (_, p, evicted) => {
    expect(podsToEvict('n1', [p]).length === 1).toBe(evicted);
  });
});
