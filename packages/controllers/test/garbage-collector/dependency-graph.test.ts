import type { KubeObject, OwnerReference } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { DependencyGraph } from '../../src/garbage-collector/dependency-graph.js';

const ref = (uid: string): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid });
const obj = (uid: string, owners: string[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: uid, namespace: 'default', uid, ownerReferences: owners.map(ref) },
});

describe('DependencyGraph', () => {
  it('tracks dependents by owner uid, including owners it never saw', () => {
    const g = new DependencyGraph();
    g.upsert(obj('a'));
    g.upsert(obj('b', ['a']));
    g.upsert(obj('c', ['a', 'ghost']));
    expect(g.dependentsOf('a').sort()).toEqual(['b', 'c']);
    expect(g.dependentsOf('ghost')).toEqual(['c']);
    expect(g.get('ghost')).toBeUndefined();
    expect(g.get('c')).toMatchObject({ kind: 'ConfigMap', namespace: 'default', name: 'c' });
  });

  it('moves a dependent when its owner references change, and forgets removed objects', () => {
    const g = new DependencyGraph();
    g.upsert(obj('b', ['a']));
    const previous = g.upsert(obj('b', ['z']));
    expect(previous?.owners.map((o) => o.uid)).toEqual(['a']);
    expect(g.dependentsOf('a')).toEqual([]);
    expect(g.dependentsOf('z')).toEqual(['b']);
    g.upsert(obj('z'));
    g.remove('z');
    expect(g.get('z')).toBeUndefined();
    expect(g.dependentsOf('z')).toEqual(['b']);
    g.remove('b');
    expect(g.dependentsOf('z')).toEqual([]);
  });
});
