import { Cache, type Pod } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { claimCandidates, podsControlledBy } from '../../src/pod-control/pods-by-controller.js';

function pod(name: string, namespace: string, controllerUid?: string): Pod {
  const ownerReferences = controllerUid
    ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: controllerUid, controller: true }]
    : [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'not-a-controller', uid: 'cm' }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, ownerReferences },
    spec: { containers: [{ name: 'c', image: 'x' }] },
  };
}

describe('claimCandidates: the pods a claim can act on', () => {
  const cache = new Cache<Pod>();
  for (const p of [
    pod('mine', 'a', 'me'),
    pod('mine-elsewhere', 'b', 'me'),
    pod('theirs', 'a', 'them'),
    pod('orphan', 'a'),
    pod('orphan-in-b', 'b'),
  ])
    cache.put(p);

  const cases: [string, string, string | undefined, string[]][] = [
    [
      'its own pods and the namespace orphans, never another controller pods',
      'me',
      'a',
      ['mine', 'mine-elsewhere', 'orphan'],
    ],
    ['only orphans for an owner with no pods', 'nobody', 'a', ['orphan']],
    ['the orphans of the namespace asked for', 'them', 'b', ['theirs', 'orphan-in-b']],
  ];
  it.each(cases)('%s', (_, uid, namespace, names) => {
    expect(
      claimCandidates(cache, uid, namespace)
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual([...names].sort());
  });

  it('follows changes: a pod adopted by a controller leaves the orphans', () => {
    cache.put(pod('orphan', 'a', 'me'));
    expect(claimCandidates(cache, 'them', 'a').map((p) => p.metadata.name)).toEqual(['theirs']);
    expect(
      podsControlledBy(cache, 'me')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['mine', 'mine-elsewhere', 'orphan']);
  });
});
