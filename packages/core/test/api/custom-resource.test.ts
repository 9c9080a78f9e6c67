import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/index.js';
import { InvalidError } from '../../src/errors/index.js';
import type { KubeObject } from '../../src/model/index.js';
import type { ResourceType } from '../../src/registry/index.js';
import type { WatchEvent } from '../../src/store/index.js';
import { newApi } from './fixtures.js';

interface Website extends KubeObject {
  apiVersion: 'example.com/v1';
  kind: 'Website';
  spec: { domain: string; replicas?: number };
  status?: { ready?: boolean };
}

const websiteType: ResourceType<Website> = {
  group: 'example.com',
  version: 'v1',
  kind: 'Website',
  plural: 'websites',
  namespaced: true,
  statusSubresource: true,
  default(obj) {
    obj.spec.replicas ??= 1;
  },
  validate(obj) {
    return obj.spec?.domain ? [] : [{ field: 'spec.domain', message: 'Required value' }];
  },
};

const website = (name: string, domain: string): Website => ({
  apiVersion: 'example.com/v1',
  kind: 'Website',
  metadata: { name, namespace: 'default' },
  spec: { domain },
});

describe('a custom resource', () => {
  it('is defaulted, validated, stored, listed, watched, status-updated, applied and deleted like a built-in', async () => {
    const { api, store } = newApi();
    api.registerResource(websiteType);
    const sites = api.resource<Website>('Website');
    const events: string[] = [];
    const sub = sites.watch().subscribe((e: WatchEvent<Website>) => events.push(`${e.type} ${e.object.metadata.name}`));

    const created = await sites.create(website('blog', 'blog.example.com'));
    expect(created.spec.replicas).toBe(1);
    expect(created.metadata.generation).toBe(1);
    expect((await store.get({ resource: 'websites.example.com', namespace: 'default', name: 'blog' })).kind).toBe(
      'Website',
    );

    const err = (await sites.create(website('broken', '')).catch((e: unknown) => e)) as InvalidError;
    expect(err).toBeInstanceOf(InvalidError);
    expect(err.fields).toEqual([{ field: 'spec.domain', message: 'Required value' }]);

    const ready = await sites.updateStatus({ ...created, status: { ready: true } });
    expect(ready.status?.ready).toBe(true);
    const applied = await api.apply({ ...website('blog', 'blog.example.org') });
    expect(applied.spec.domain).toBe('blog.example.org');
    expect(applied.metadata.generation).toBe(2);
    expect(applied.status).toEqual({ ready: true });

    expect((await sites.list({ namespace: 'default' })).items.map((s) => s.metadata.name)).toEqual(['blog']);
    await sites.delete('default', 'blog');
    expect(events).toEqual(['ADDED blog', 'MODIFIED blog', 'MODIFIED blog', 'DELETED blog']);
    sub.unsubscribe();
  });

  it('is unknown to another Api until registered there', async () => {
    const { api } = newApi();
    const other = new Api({ store: api.store });
    api.registerResource(websiteType);
    expect(() => other.resource('Website')).toThrow(/no kind "Website" is registered/);
  });
});
