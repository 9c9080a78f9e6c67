import { Api, type ClusterRole, ensureBootstrapRbac, FakeClock, Manager, MemoryStore } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerClusterRoleAggregationController } from '../../src/clusterrole-aggregation/register.js';

const role = (name: string, labels: Record<string, string>, rules: ClusterRole['rules']): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
});
const widgets = { verbs: ['get', 'list', 'watch'], apiGroups: ['example.dev'], resources: ['widgets'] };

describe('the clusterrole-aggregation controller', () => {
  const clock = new FakeClock();
  let store: MemoryStore;
  let api: Api;
  let abort: AbortController;
  let manager: Manager;

  beforeEach(async () => {
    store = new MemoryStore();
    api = new Api({ store, clock });
    await ensureBootstrapRbac(api);
    abort = new AbortController();
    manager = new Manager({ api, clock });
    registerClusterRoleAggregationController(manager);
    await manager.start(abort.signal);
  });
  afterEach(async () => {
    abort.abort();
    await manager.stopped;
    await api.close();
    await store.close();
  });

  /** Lets the controller run (flushing the clock's due timers) until `check` passes. */
  async function eventually(check: () => Promise<unknown>): Promise<void> {
    for (let i = 0; ; i++) {
      await clock.flush();
      try {
        await check();
        return;
      } catch (err) {
        if (i >= 5000) throw err;
      }
    }
  }
  const rulesOf = async (name: string) => (await api.resource('ClusterRole').get(name)).rules ?? [];

  it('adds a role labelled aggregate-to-view to view, and through edit and admin, and takes it away again', async () => {
    await api
      .resource('ClusterRole')
      .create(role('widget-viewer', { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, [widgets]));
    await eventually(async () => {
      for (const name of ['view', 'edit', 'admin']) expect(await rulesOf(name)).toContainEqual(widgets);
    });
    await api.resource('ClusterRole').delete('widget-viewer');
    await eventually(async () => {
      for (const name of ['view', 'edit', 'admin']) expect(await rulesOf(name)).not.toContainEqual(widgets);
    });
  });

  it('leaves roles without an aggregation rule alone', async () => {
    await api.resource('ClusterRole').create(role('plain', {}, [widgets]));
    await api
      .resource('ClusterRole')
      .create(
        role('other', { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, [{ ...widgets, verbs: ['get'] }]),
      );
    await eventually(async () => expect(await rulesOf('view')).toContainEqual({ ...widgets, verbs: ['get'] }));
    expect(await rulesOf('plain')).toEqual([widgets]);
  });
});
