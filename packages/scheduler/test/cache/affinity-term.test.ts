import { compileLabelSelector, FakeClock, type PodAffinityTerm } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../src/cache/pod-info.js';
import { SchedulerCache } from '../../src/cache/scheduler-cache.js';
import { Snapshot } from '../../src/cache/snapshot.js';
import { makeNamespace, makePod } from '../builders.js';

/** The pod declaring `t` as its required anti-affinity term: every term's owner lives in `web`. */
const ownerOf = (t: PodAffinityTerm) => new PodInfo(makePod('owner', 'web').podAffinity('podAntiAffinity', t).obj());
const namespaces = [
  makeNamespace('web', { team: 'a' }),
  makeNamespace('db', { team: 'a', tier: 'data' }),
  makeNamespace('ops', { team: 'b' }),
  makeNamespace('bare'),
];
/** One pod with app=x in each namespace, plus one in a namespace the scheduler has not seen. */
const candidates = ['web', 'db', 'ops', 'bare', 'unknown'].map((ns) =>
  makePod(`p-${ns}`, ns).labels({ app: 'x' }).obj(),
);

function snapshotWith(list = namespaces) {
  const cache = new SchedulerCache({ clock: new FakeClock() });
  for (const ns of list) cache.addNamespace(ns);
  const snapshot = new Snapshot();
  cache.updateSnapshot(snapshot);
  return { cache, snapshot };
}

const term = (extra: Partial<PodAffinityTerm>): PodAffinityTerm => ({
  labelSelector: { matchLabels: { app: 'x' } },
  topologyKey: 'zone',
  ...extra,
});

/** The pod of `owner`'s term `t` (as the incoming pod's, resolved) matches, by namespace. */
function matchedNamespaces(t: PodAffinityTerm, snapshot: Snapshot): string[] {
  const resolved = ownerOf(t).resolveNamespaces(snapshot.namespaces).requiredAntiAffinityTerms[0];
  return candidates.filter((p) => resolved.matches(p)).map((p) => p.metadata.namespace!);
}

describe('AffinityTerm namespaces', () => {
  it.each([
    { name: 'nil namespaceSelector, no namespaces: the owner namespace', t: term({}), want: ['web'] },
    {
      name: 'nil namespaceSelector with namespaces: exactly those',
      t: term({ namespaces: ['db', 'ops'] }),
      want: ['db', 'ops'],
    },
    {
      name: 'empty namespaceSelector {}: every namespace, seen or not',
      t: term({ namespaceSelector: {} }),
      want: ['web', 'db', 'ops', 'bare', 'unknown'],
    },
    {
      name: 'matchLabels: the namespaces carrying the label',
      t: term({ namespaceSelector: { matchLabels: { team: 'a' } } }),
      want: ['web', 'db'],
    },
    {
      name: 'matchExpressions Exists',
      t: term({ namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }),
      want: ['db'],
    },
    {
      name: 'matchExpressions NotIn: known namespaces without the value, unlabelled ones included',
      t: term({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] } }),
      want: ['ops', 'bare'],
    },
    {
      name: 'namespaces and namespaceSelector: the union',
      t: term({ namespaces: ['ops'], namespaceSelector: { matchLabels: { tier: 'data' } } }),
      want: ['db', 'ops'],
    },
    {
      name: 'a selector no namespace matches, with empty namespaces: none (not the owner namespace)',
      t: term({ namespaceSelector: { matchLabels: { team: 'z' } } }),
      want: [],
    },
    {
      name: 'a nil labelSelector matches no pod whatever the namespaces',
      t: { topologyKey: 'zone', namespaceSelector: {} },
      want: [],
    },
  ])('$name', ({ t, want }) => {
    const { snapshot } = snapshotWith();
    expect(matchedNamespaces(t, snapshot).sort()).toEqual([...want].sort());
  });

  it("an existing pod's unresolved term reads the labels of the incoming pod's namespace, as its resolved form does", () => {
    const { snapshot } = snapshotWith();
    const t = term({ namespaceSelector: { matchLabels: { team: 'a' } } });
    const existing = ownerOf(t);
    const unresolved = existing.requiredAntiAffinityTerms[0];
    const resolved = existing.resolveNamespaces(snapshot.namespaces).requiredAntiAffinityTerms[0];
    for (const p of candidates.filter((c) => c.metadata.namespace !== 'unknown')) {
      const labels = snapshot.namespaces.labelsOf(p.metadata.namespace);
      expect(unresolved.matches(p, labels), p.metadata.namespace).toBe(resolved.matches(p));
    }
    // Without the namespace's labels a label selector sees an unlabelled namespace.
    expect(unresolved.matches(candidates[0])).toBe(false);
  });

  it('follows a namespace relabelled, added or removed between cycles; an earlier snapshot keeps its view', () => {
    const { cache, snapshot } = snapshotWith();
    const t = term({ namespaceSelector: { matchLabels: { team: 'b' } } });
    expect(matchedNamespaces(t, snapshot)).toEqual(['ops']);
    const before = snapshot.namespaces;

    cache.addNamespace(makeNamespace('web', { team: 'b' }));
    cache.addNamespace(makeNamespace('unknown', { team: 'b' }));
    cache.removeNamespace('ops');
    cache.updateSnapshot(snapshot);
    expect(matchedNamespaces(t, snapshot).sort()).toEqual(['unknown', 'web']);
    expect(before.selectedBy(compileLabelSelector({ matchLabels: { team: 'b' } }))).toEqual(['ops']);
  });

  it('a pod whose terms select no namespace by label is its own resolution (no copy per cycle)', () => {
    const { snapshot } = snapshotWith();
    for (const t of [term({}), term({ namespaces: ['db'] }), term({ namespaceSelector: {} })]) {
      const info = new PodInfo(
        makePod('p', 'web').podAffinity('podAffinity', t).podAffinity('podAffinity', t, 5).obj(),
      );
      expect(info.selectsNamespacesByLabel).toBe(false);
      expect(info.resolveNamespaces(snapshot.namespaces)).toBe(info);
    }
    const byLabel = new PodInfo(
      makePod('p', 'web')
        .podAffinity('podAntiAffinity', term({ namespaceSelector: { matchLabels: { team: 'a' } } }), 3)
        .obj(),
    );
    expect(byLabel.selectsNamespacesByLabel).toBe(true);
    const resolved = byLabel.resolveNamespaces(snapshot.namespaces);
    expect(resolved).not.toBe(byLabel);
    expect(resolved.selectsNamespacesByLabel).toBe(false);
    expect(resolved.preferredAntiAffinityTerms[0].weight).toBe(3);
    expect(resolved.key).toBe(byLabel.key);
  });
});
