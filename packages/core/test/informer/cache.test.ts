import { describe, expect, it } from 'vitest';
import { Cache, namespaceIndex } from '../../src/informer/cache.js';
import type { KubeObject } from '../../src/model/meta.js';
import { pod } from './store-source.js';

const names = (objs: readonly Readonly<KubeObject>[]) => objs.map((o) => o.metadata.name).sort();
const nodeOf = (o: KubeObject) => [(o.spec as { nodeName?: string }).nodeName ?? ''];

describe('Cache', () => {
  it('gets namespaced objects by (namespace, name) and cluster-scoped ones by name', () => {
    const cache = new Cache();
    cache.put(pod('a'));
    cache.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
    expect(cache.get('default', 'a')?.metadata.name).toBe('a');
    expect(cache.get('node-1')?.metadata.name).toBe('node-1');
    expect(cache.get(undefined, 'node-1')?.metadata.name).toBe('node-1');
    expect(cache.get('other', 'a')).toBeUndefined();
  });

  it('lists by namespace and label selector', () => {
    const cache = new Cache();
    cache.put(pod('a', { app: 'web' }));
    cache.put(pod('b', { app: 'db' }));
    cache.put(pod('c', { app: 'web' }, 'prod'));
    expect(names(cache.list())).toEqual(['a', 'b', 'c']);
    expect(names(cache.list({ namespace: 'default' }))).toEqual(['a', 'b']);
    expect(names(cache.list({ labelSelector: 'app=web' }))).toEqual(['a', 'c']);
    expect(names(cache.list({ namespace: 'prod', labelSelector: { matchLabels: { app: 'web' } } }))).toEqual(['c']);
  });

  it('keeps indexes in step with updates and removals, including for indexers added later', () => {
    const cache = new Cache();
    cache.put(pod('a'));
    cache.addIndexer('spec.nodeName', nodeOf);
    expect(names(cache.byIndex('spec.nodeName', 'node-1'))).toEqual(['a']);
    cache.put({ ...pod('a'), spec: { nodeName: 'node-2' } });
    expect(cache.byIndex('spec.nodeName', 'node-1')).toEqual([]);
    expect(names(cache.byIndex('spec.nodeName', 'node-2'))).toEqual(['a']);
    cache.remove('default/a');
    expect(cache.byIndex('spec.nodeName', 'node-2')).toEqual([]);
    expect(cache.byIndex(namespaceIndex, 'default')).toEqual([]);
    expect(cache.size).toBe(0);
  });

  it('refuses a duplicate index name and a query of an unknown index', () => {
    const cache = new Cache();
    expect(() => cache.addIndexer(namespaceIndex, nodeOf)).toThrow(/already exists/);
    expect(() => cache.byIndex('nope', 'x')).toThrow(/addIndexer/);
  });
});
