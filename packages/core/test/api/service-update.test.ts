import { describe, expect, it } from 'vitest';
import { Api, MemoryStore, type Service } from '../../src/index.js';

const manifest = (): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }] },
});

describe('updating a Service from a manifest that names no allocated values', () => {
  it('keeps the stored cluster IP and node ports, as Kubernetes does', async () => {
    const api = new Api({ store: new MemoryStore() });
    const services = api.resource('Service');
    const created = manifest();
    created.spec.clusterIP = '198.18.0.10';
    created.spec.ports![0].nodePort = 30080;
    await services.create(created);

    const replaced = manifest();
    replaced.metadata.labels = { tier: 'front' };
    const updated = await services.update(replaced);

    expect(updated.spec.clusterIP).toBe('198.18.0.10');
    expect(updated.spec.ports![0].nodePort).toBe(30080);
    expect(updated.metadata.labels).toEqual({ tier: 'front' });
    const applied = await api.apply(manifest());
    expect((applied as Service).spec.clusterIP).toBe('198.18.0.10');
  });

  it('still refuses an explicit change of the cluster IP', async () => {
    const api = new Api({ store: new MemoryStore() });
    const services = api.resource('Service');
    const created = manifest();
    created.spec.clusterIP = '198.18.0.10';
    await services.create(created);
    const changed = manifest();
    changed.spec.clusterIP = '198.18.0.11';
    await expect(services.update(changed)).rejects.toMatchObject({ reason: 'Invalid' });
  });
});
