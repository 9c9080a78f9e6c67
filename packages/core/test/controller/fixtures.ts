import { Api } from '../../src/api/api.js';
import { FakeClock } from '../../src/clock/fake-clock.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';

/** A user kind with spec and a status subresource, for controller tests. */
export interface Widget extends KubeObject {
  spec: { size?: number; owner?: string };
  status?: { seen?: number };
}

/** An Api on a MemoryStore with a FakeClock, with the `Widget` kind (example.com/v1) registered. */
export function cluster(store = new MemoryStore(), clock = new FakeClock()) {
  const api = new Api({ store, clock });
  if (!api.registry.find('Widget'))
    api.registerResource({
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      plural: 'widgets',
      namespaced: true,
      statusSubresource: true,
    });
  return { store, clock, api, widgets: api.resource<Widget>('Widget') };
}

/** A widget manifest. */
export function widget(name: string, spec: Widget['spec'] = {}, namespace = 'default'): Widget {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace }, spec };
}

/** Lets pending promise callbacks run (no time passes) until `done()` holds; fails after many turns. */
export async function until(clock: FakeClock, done: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (done()) return;
    await clock.flush();
  }
  throw new Error(`timed out waiting for ${what}`);
}
