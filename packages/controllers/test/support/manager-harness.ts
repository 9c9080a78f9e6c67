import { Api, FakeClock, Manager, MemoryStore } from '@flotilla/core';
import { afterEach, beforeEach } from 'vitest';

/** What a test of Manager-run controllers reaches: the Api of the current test, its clock, and `eventually`. */
export interface ManagerHarness {
  readonly clock: FakeClock;
  /** The current test's Api (a new one, on a new MemoryStore, for each test). */
  readonly api: Api;
  /** Lets the controllers run (flushing the clock's due timers) until `check` passes. */
  eventually(check: () => Promise<unknown>): Promise<void>;
}

/**
 * Registers, in the calling `describe`, a Manager started before each test
 * on a fresh MemoryStore-backed Api (after `prepare`, e.g. bootstrap RBAC)
 * with the controllers `register` adds, and stopped after it.
 */
export function useManagerHarness(
  register: (manager: Manager) => void,
  prepare: (api: Api) => Promise<unknown> = async () => {},
): ManagerHarness {
  const clock = new FakeClock();
  let store: MemoryStore;
  let api: Api;
  let abort: AbortController;
  let manager: Manager;

  beforeEach(async () => {
    store = new MemoryStore();
    api = new Api({ store, clock });
    await prepare(api);
    abort = new AbortController();
    manager = new Manager({ api, clock });
    register(manager);
    await manager.start(abort.signal);
  });
  afterEach(async () => {
    abort.abort();
    await manager.stopped;
    await api.close();
    await store.close();
  });

  return {
    clock,
    get api() {
      return api;
    },
    async eventually(check) {
      // Each round lets due timers fire and the controllers' queues drain; the bound only stops a hang.
      for (let i = 0; ; i++) {
        await clock.flush();
        try {
          await check();
          return;
        } catch (err) {
          if (i >= 5000) throw err;
        }
      }
    },
  };
}
