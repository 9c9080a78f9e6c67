import { describe, expect, it } from 'vitest';
import { newApi, pod } from './fixtures.js';

describe('smoke', () => {
  it('creates', async () => {
    const { api } = newApi();
    const p = await api.resource('Pod').create(pod('a'));
    expect(p.metadata.uid).toBeTruthy();
    const ns = await api.resource('Namespace').list();
    expect(ns.items.map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });
});
