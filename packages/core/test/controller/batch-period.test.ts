import { describe, expect, it } from 'vitest';
import { Manager } from '../../src/controller/manager.js';
import { setControllerReference } from '../../src/controller/owner-references.js';
import type { ConfigMap } from '../../src/model/core-v1.js';
import { cluster, until, widget } from './fixtures.js';

const child = (name: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: {},
});

describe('Controller batchPeriodMs', () => {
  it('turns a burst of child events into one reconcile, the batch period after the first', async () => {
    const { api, clock, widgets } = cluster();
    const owner = await widgets.create(widget('owner'));
    const manager = new Manager({ api, clock });
    const calls: number[] = [];
    manager
      .controller('widgets')
      .for('Widget')
      .owns('ConfigMap')
      .withOptions({ batchPeriodMs: 1000 })
      .reconcile({
        async reconcile() {
          calls.push(clock.now());
        },
      });
    const ac = new AbortController();
    await manager.start(ac.signal);
    const started = clock.now();
    await clock.flush();
    expect(calls).toEqual([]);
    await clock.step(1000);
    await until(clock, () => calls.length === 1, 'the initial reconcile');

    for (let i = 0; i < 5; i++) {
      await api.resource('ConfigMap').create(setControllerReference(owner, child(`c${i}`)));
      await clock.step(100);
    }
    expect(calls).toHaveLength(1);
    await clock.step(500);
    await until(clock, () => calls.length === 2, 'the batched reconcile');
    await clock.step(5000);

    expect(calls).toEqual([started + 1000, started + 2000]);
    ac.abort();
    await manager.stopped;
  });
});
