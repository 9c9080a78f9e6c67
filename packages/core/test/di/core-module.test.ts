import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { Manager } from '../../src/controller/manager.js';
import { coreModule, createCoreModule } from '../../src/di/core-module.js';
import { TYPES } from '../../src/di/tokens.js';
import { MemoryStore } from '../../src/store/memory-store.js';

describe('coreModule', () => {
  it('resolves one shared Store, Api, Manager and InformerFactory per container', () => {
    const container = new Container();
    container.loadSync(coreModule);
    const manager = container.get(TYPES.Manager);
    expect(manager).toBeInstanceOf(Manager);
    expect(container.get(TYPES.Api)).toBeInstanceOf(Api);
    expect(container.get(TYPES.Api)).toBe(manager.api);
    expect(container.get(TYPES.InformerFactory)).toBe(manager.informers);
    expect(container.get(TYPES.Store)).toBe(container.get(TYPES.Api).store);
    const other = new Container();
    other.loadSync(coreModule);
    expect(other.get(TYPES.Manager)).not.toBe(manager);
  });

  it('composes with given components: a controller resolved from the container runs on them', async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const container = new Container();
    container.loadSync(createCoreModule({ store, clock }));
    const api = container.get(TYPES.Api);
    expect(container.get(TYPES.Clock)).toBe(clock);
    await api
      .resource('ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } });
    const seen: string[] = [];
    container
      .get(TYPES.Manager)
      .controller('config-maps')
      .for('ConfigMap')
      .reconcile({
        async reconcile(req) {
          seen.push(req.name);
        },
      });
    const ac = new AbortController();
    await container.get(TYPES.Manager).start(ac.signal);
    await clock.flush();
    expect(seen).toEqual(['c']);
    expect(container.get(TYPES.InformerFactory).for('ConfigMap').cache.get('default', 'c')).toBeDefined();
    ac.abort();
    await container.get(TYPES.Manager).stopped;
  });
});
