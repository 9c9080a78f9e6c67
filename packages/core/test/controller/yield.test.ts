import { describe, expect, it } from 'vitest';
import { Manager } from '../../src/controller/manager.js';
import { cluster, until, widget } from './fixtures.js';

/**
 * A controller whose every reconcile writes its object's status, which wakes
 * it again: a chain of `rounds` reconciles driven by in-process writes and
 * watch events alone, all on microtasks (as a DaemonSet controller re-synced
 * by its own status writes was). Returns after which reconcile a macrotask
 * queued before the chain got its turn.
 */
async function macrotaskTurnDuringChain(yieldEveryMs: number | undefined, rounds: number): Promise<number> {
  const { api, clock, widgets } = cluster();
  await widgets.create(widget('w'));
  const manager = new Manager({ api, clock, controllerYieldEveryMs: yieldEveryMs });
  let reconciles = 0;
  manager
    .controller('chain')
    .for('Widget')
    .reconcile({
      async reconcile(req) {
        reconciles++;
        if (reconciles >= rounds) return;
        const w = await widgets.get(req.namespace!, req.name);
        await widgets.updateStatus({ ...w, status: { seen: reconciles } });
      },
    });
  const ac = new AbortController();
  await manager.start(ac.signal);
  let turnAt = -1;
  setImmediate(() => {
    turnAt = reconciles;
  });
  await until(clock, () => reconciles >= rounds, 'the chain of reconciles');
  await new Promise<void>((resolve) => setImmediate(resolve));
  ac.abort();
  await manager.stopped;
  return turnAt;
}

describe('Controller yieldEveryMs (the manager-wide controllerYieldEveryMs)', () => {
  it('without it, a chain of reconciles woken by their own writes holds the event loop until it ends', async () => {
    expect(await macrotaskTurnDuringChain(undefined, 50)).toBe(50);
  });

  it('with it, timers and I/O get a turn while the chain still runs', async () => {
    expect(await macrotaskTurnDuringChain(0, 50)).toBeLessThan(50);
  });
});
