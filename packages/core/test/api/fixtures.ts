import { Api, type ApiOptions } from '../../src/api/index.js';
import { FakeClock } from '../../src/clock/index.js';
import type { Pod } from '../../src/model/index.js';
import { MemoryStore } from '../../src/store/index.js';

/** An Api on a fresh MemoryStore with a FakeClock at 2026-01-01T00:00:00Z. */
export function newApi(options: Partial<ApiOptions> = {}) {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const api = new Api({ store, clock, ...options });
  return { api, store, clock };
}

/** A minimal valid pod; `spec` members override the defaults. */
export function pod(name: string, namespace = 'default', spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec },
  };
}

/** The store's current revision as a number, to show that a failed write wrote nothing. */
export async function revision(store: MemoryStore): Promise<number> {
  return Number(await store.currentRevision());
}
