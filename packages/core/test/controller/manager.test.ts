import { getEventListeners } from 'node:events';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Manager } from '../../src/controller/manager.js';
import { setControllerReference } from '../../src/controller/owner-references.js';
import { generationChanged } from '../../src/controller/predicates.js';
import { type ReconcileContext, type ReconcileRequest, TerminalError } from '../../src/controller/reconciler.js';
import type { ConfigMap } from '../../src/model/core-v1.js';
import { cluster, until, type Widget, widget } from './fixtures.js';

/** A reconciler that records calls and runs a scripted body. */
function recorder(
  body: (
    req: ReconcileRequest,
    ctx: ReconcileContext,
    call: number,
  ) => Promise<{ requeueAfterMs?: number } | undefined> = async () => undefined,
) {
  const calls: string[] = [];
  return {
    calls,
    reconciler: {
      async reconcile(req: ReconcileRequest, ctx: ReconcileContext) {
        calls.push(`${req.namespace ?? ''}/${req.name}`);
        return body(req, ctx, calls.length);
      },
    },
  };
}

describe('Manager and controllers', () => {
  it('reconciles existing objects after sync, then each change', async () => {
    const { api, clock, widgets } = cluster();
    await widgets.create(widget('a'));
    const manager = new Manager({ api, clock });
    const r = recorder();
    manager.controller('widgets').for('Widget').reconcile(r.reconciler);
    const ac = new AbortController();
    await manager.start(ac.signal);
    await until(clock, () => r.calls.length === 1);
    await widgets.create(widget('b'));
    await until(clock, () => r.calls.length === 2);
    expect(r.calls).toEqual(['default/a', 'default/b']);
    ac.abort();
    await manager.stopped;
  });

  it('owns: a child event wakes its controller owner; watches: any mapping', async () => {
    const { api, clock, widgets } = cluster();
    const owner = await widgets.create(widget('owner'));
    const manager = new Manager({ api, clock });
    const r = recorder();
    manager
      .controller('widgets')
      .for('Widget')
      .owns('ConfigMap')
      .watches<ConfigMap>('Secret', (s) => [{ namespace: s.metadata.namespace, name: s.metadata.labels?.widget ?? '' }])
      .reconcile(r.reconciler);
    const ac = new AbortController();
    await manager.start(ac.signal);
    await until(clock, () => r.calls.length === 1);
    const cm: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'child', namespace: 'default' },
      data: {},
    };
    await api.resource('ConfigMap').create(setControllerReference(owner, cm));
    await api
      .resource('ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphan', namespace: 'default' } });
    await until(clock, () => r.calls.length === 2);
    await api.resource('Secret').create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default', labels: { widget: 'other' } },
    });
    await until(clock, () => r.calls.length === 3);
    await clock.flush();
    expect(r.calls).toEqual(['default/owner', 'default/owner', 'default/other']);
    ac.abort();
    await manager.stopped;
  });

  it('withEventFilter(generationChanged) ignores status-only updates', async () => {
    const { api, clock, widgets } = cluster();
    const manager = new Manager({ api, clock });
    const r = recorder();
    manager.controller('widgets').for('Widget').withEventFilter(generationChanged).reconcile(r.reconciler);
    const ac = new AbortController();
    await manager.start(ac.signal);
    const w = await widgets.create(widget('a', { size: 1 }));
    await until(clock, () => r.calls.length === 1);
    const s = await widgets.updateStatus({ ...w, status: { seen: 1 } });
    await clock.flush();
    expect(r.calls).toHaveLength(1);
    await widgets.update({ ...s, spec: { size: 2 } });
    await until(clock, () => r.calls.length === 2);
    ac.abort();
    await manager.stopped;
  });

  it('requeues errors with exponential backoff, drops terminal errors, honours requeueAfterMs', async () => {
    const { api, clock, widgets } = cluster();
    await widgets.create(widget('flaky'));
    await widgets.create(widget('bad'));
    await widgets.create(widget('later'));
    const manager = new Manager({ api, clock });
    const times: Record<string, number[]> = { flaky: [], bad: [], later: [] };
    const r = recorder(async (req) => {
      const seen = times[req.name];
      seen.push(clock.now());
      if (req.name === 'flaky' && seen.length <= 3) throw new Error('try again');
      if (req.name === 'bad') throw new TerminalError('spec.size must be positive');
      if (req.name === 'later' && seen.length === 1) return { requeueAfterMs: 60_000 };
      return undefined;
    });
    manager.controller('widgets').for('Widget').reconcile(r.reconciler);
    const ac = new AbortController();
    const t0 = clock.now();
    await manager.start(ac.signal);
    await clock.step(120_000);
    expect(times.flaky.map((t) => t - t0)).toEqual([0, 5, 15, 35]);
    expect(times.bad).toHaveLength(1);
    expect(times.later.map((t) => t - t0)).toEqual([0, 60_000]);
    ac.abort();
    await manager.stopped;
  });

  it('never reconciles one key concurrently, and reconciles again a key changed meanwhile', async () => {
    const { api, clock, widgets } = cluster();
    const w = await widgets.create(widget('a', { size: 1 }));
    const manager = new Manager({ api, clock });
    let running = 0;
    let maxRunning = 0;
    const r = recorder(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await clock.sleep(1000);
      running--;
      return undefined;
    });
    manager.controller('widgets').for('Widget').concurrency(4).reconcile(r.reconciler);
    const ac = new AbortController();
    await manager.start(ac.signal);
    await until(clock, () => r.calls.length === 1);
    const w2 = await widgets.update({ ...w, spec: { size: 2 } });
    await widgets.update({ ...w2, spec: { size: 3 } });
    await clock.step(5000);
    expect(maxRunning).toBe(1);
    expect(r.calls).toEqual(['default/a', 'default/a']);
    ac.abort();
    await manager.stopped;
  });

  it('on abort lets in-flight reconciles finish, aborts them after the graceful timeout, then stops informers', async () => {
    const { api, clock, widgets } = cluster();
    await widgets.create(widget('quick'));
    await widgets.create(widget('stuck'));
    const manager = new Manager({ api, clock, gracefulShutdownTimeoutMs: 10_000 });
    const finished: string[] = [];
    const abortedAt: Record<string, number> = {};
    const r = recorder(async (req, ctx) => {
      ctx.signal.addEventListener('abort', () => {
        abortedAt[req.name] = clock.now();
      });
      await clock.sleep(req.name === 'quick' ? 1000 : 3_600_000).catch(() => undefined);
      finished.push(req.name);
      return undefined;
    });
    manager.controller('widgets').for('Widget').concurrency(2).reconcile(r.reconciler);
    const ac = new AbortController();
    await manager.start(ac.signal);
    await until(clock, () => r.calls.length === 2);
    let informerStopped = false;
    manager.informers.for('Widget').events$.subscribe({ complete: () => (informerStopped = true) });
    const t0 = clock.now();
    ac.abort();
    await widgets.create(widget('late'));
    await clock.step(1000);
    expect(finished).toEqual(['quick']);
    expect(informerStopped).toBe(false);
    await clock.step(9000);
    expect(abortedAt).toEqual({ stuck: t0 + 10_000 });
    await manager.stopped;
    expect(informerStopped).toBe(true);
    expect(r.calls).not.toContain('default/late');
  });

  it('aborts a reconcile that exceeds its timeout', async () => {
    const { api, clock, widgets } = cluster();
    await widgets.create(widget('slow'));
    const manager = new Manager({ api, clock });
    let reason: unknown;
    const r = recorder(async (_req, ctx) => {
      await clock.sleep(60_000, ctx.signal).catch((err: unknown) => {
        reason = err;
      });
      return undefined;
    });
    manager.controller('widgets').for('Widget').withOptions({ reconcileTimeoutMs: 5000 }).reconcile(r.reconciler);
    const ac = new AbortController();
    await manager.start(ac.signal);
    await clock.step(5000);
    expect(String(reason)).toMatch(/exceeded 5000 ms/);
    ac.abort();
    await manager.stopped;
  });

  it('runs added runnables under its lifecycle and reports controller metrics', async () => {
    const { api, clock, widgets } = cluster();
    await widgets.create(widget('a'));
    const metrics = new Registry();
    const manager = new Manager({ api, clock, metrics });
    const events: string[] = [];
    manager.add({
      needLeaderElection: false,
      start: (signal) => {
        events.push('started');
        signal.addEventListener('abort', () => events.push('stopped'));
      },
    });
    manager.controller('widgets').for('Widget').reconcile(recorder().reconciler);
    const ac = new AbortController();
    await manager.start(ac.signal);
    await clock.flush();
    expect(await metrics.metrics()).toContain(
      'controller_runtime_reconcile_total{controller="widgets",result="success"} 1',
    );
    expect(() => manager.add({ start() {} })).toThrow(/before manager.start/);
    ac.abort();
    await manager.stopped;
    expect(events).toEqual(['started', 'stopped']);
  });

  it("withApi: a view's controllers run under the manager's lifecycle and informers, acting through the view's Api", async () => {
    const { api, clock, widgets } = cluster();
    await widgets.create(widget('a'));
    const manager = new Manager({ api, clock });
    const asAlice = api.as({ user: 'alice' });
    const view = manager.withApi(asAlice);
    expect([view.api, view.informers, manager.api]).toEqual([asAlice, manager.informers, api]);
    const users: string[] = [];
    view
      .controller('as-alice')
      .for('Widget')
      .reconcile({
        async reconcile(req) {
          const got = await view.api.resource<Widget>('Widget').get(req.namespace, req.name);
          users.push(`${(view.api as typeof asAlice).user.username} read ${got.metadata.name}`);
          return undefined;
        },
      });
    const ac = new AbortController();
    await manager.start(ac.signal);
    await until(clock, () => users.length === 1);
    expect(users).toEqual(['alice read a']);
    ac.abort();
    await manager.stopped;
  });

  it("listens on the caller's signal a fixed number of times, however many controllers it runs", async () => {
    const listenersWith = async (controllers: number) => {
      const { api, clock } = cluster();
      const manager = new Manager({ api, clock });
      for (let i = 0; i < controllers; i++) manager.controller(`c${i}`).for('Widget').reconcile(recorder().reconciler);
      const ac = new AbortController();
      await manager.start(ac.signal);
      const count = getEventListeners(ac.signal, 'abort').length;
      ac.abort();
      await manager.stopped;
      return count;
    };
    // A controller manager runs a dozen and more: one listener each would pass Node's limit of 10 and warn.
    expect(await listenersWith(20)).toBe(await listenersWith(1));
  });
});
