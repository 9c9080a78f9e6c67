import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { exponentialFailureRateLimiter } from '../../src/workqueue/rate-limiters.js';
import { WorkQueue } from '../../src/workqueue/work-queue.js';

/** Takes the next key, failing the test if the queue reports shutdown instead. */
async function take<T>(q: WorkQueue<T>): Promise<T> {
  const item = await q.get();
  if (item.shutdown) throw new Error('queue unexpectedly shut down');
  return item.key;
}

/** True if the promise has settled after pending callbacks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('WorkQueue', () => {
  it('hands keys out in FIFO order', async () => {
    const q = new WorkQueue();
    for (const k of ['a', 'b', 'c']) q.add(k);
    expect(q.length).toBe(3);
    expect([await take(q), await take(q), await take(q)]).toEqual(['a', 'b', 'c']);
  });

  it('hands a key to a waiting worker once when one event adds it twice (client-go dedups until Get returns)', async () => {
    const q = new WorkQueue();
    const first = take(q);
    // An update event maps its old and its new state to the same key, in one synchronous pass.
    q.add('a');
    q.add('a');
    expect(await first).toBe('a');
    q.done('a');
    expect(await settled(q.get())).toBe(false);
  });

  it('queues a key once while it waits', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect([await take(q), await take(q)]).toEqual(['a', 'b']);
  });

  it('never hands one key to two workers, and reprocesses a key re-added while processing', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await take(q)).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0);
    const second = q.get();
    expect(await settled(second)).toBe(false);
    q.done('a');
    expect(await second).toEqual({ key: 'a', shutdown: false });
    q.done('a');
    expect(q.length).toBe(0);
  });

  it('ignores done for a key that was not handed out', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.done('a');
    expect(q.length).toBe(1);
    expect(await take(q)).toBe('a');
    expect(q.length).toBe(0);
  });

  it('wakes a waiting get when a key arrives', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    expect(await settled(pending)).toBe(false);
    q.add('x');
    expect(await pending).toEqual({ key: 'x', shutdown: false });
  });

  it('shutDown ignores new adds, still hands out queued keys, then reports shutdown', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.shutDown();
    q.add('b');
    expect(await take(q)).toBe('a');
    expect(await q.get()).toEqual({ shutdown: true });
    expect(q.isShuttingDown).toBe(true);
  });

  it('shutDown releases idle getters', async () => {
    const q = new WorkQueue();
    const waiters = [q.get(), q.get()];
    q.shutDown();
    expect(await Promise.all(waiters)).toEqual([{ shutdown: true }, { shutdown: true }]);
  });

  it('shutDownWithDrain resolves only when every handed-out key is done', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    await take(q);
    await take(q);
    const drained = q.shutDownWithDrain();
    q.done('a');
    expect(await settled(drained)).toBe(false);
    q.done('b');
    await expect(drained).resolves.toBeUndefined();
  });
});

describe('WorkQueue delaying (addAfter)', () => {
  it('adds a key only once its delay has passed on the clock', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 100);
    await clock.step(99);
    expect(q.length).toBe(0);
    await clock.step(1);
    expect(q.length).toBe(1);
  });

  it('keeps the earliest time when a waiting key is added again', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 500);
    await clock.step(50);
    expect(q.length).toBe(1);
    await take(q);
    q.done('a');
    await clock.step(1000);
    expect(q.length).toBe(0);
  });

  it('orders delayed keys by due time', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('late', 300);
    q.addAfter('early', 100);
    q.addAfter('now', 0);
    await clock.step(300);
    expect([await take(q), await take(q), await take(q)]).toEqual(['now', 'early', 'late']);
  });

  it('drops delayed keys on shutdown', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 100);
    q.shutDown();
    expect(clock.pendingTimers).toBe(0);
    await clock.step(200);
    expect(await q.get()).toEqual({ shutdown: true });
  });
});

describe('WorkQueue rate limiting', () => {
  it('backs a failing key off exponentially until forgotten', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({
      clock,
      rateLimiter: exponentialFailureRateLimiter({ baseDelayMs: 10, maxDelayMs: 1000 }),
    });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      q.addRateLimited('a');
      const start = clock.now();
      while (q.length === 0) await clock.step(1);
      delays.push(clock.now() - start);
      await take(q);
      q.done('a');
    }
    expect(delays).toEqual([10, 20, 40, 80]);
    expect(q.numRequeues('a')).toBe(4);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });
});

describe('WorkQueue metrics', () => {
  it('reports Kubernetes workqueue metrics labelled by name on the given registry', async () => {
    const clock = new FakeClock();
    const registry = new Registry();
    const q = new WorkQueue({ clock, name: 'pods', metrics: registry });
    q.add('a');
    q.add('b');
    await clock.step(2000);
    await take(q);
    await clock.step(3000);
    q.addRateLimited('a');
    const value = async (name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find(
        (v) => v.labels.name === 'pods' && !('le' in v.labels),
      );
    expect((await value('workqueue_depth'))?.value).toBe(1);
    expect((await value('workqueue_adds_total'))?.value).toBe(2);
    expect((await value('workqueue_retries_total'))?.value).toBe(1);
    expect((await value('workqueue_unfinished_work_seconds'))?.value).toBe(3);
    expect((await value('workqueue_longest_running_processor_seconds'))?.value).toBe(3);
    q.done('a');
    const text = await registry.metrics();
    expect(text).toContain('workqueue_queue_duration_seconds_sum{name="pods"} 2');
    expect(text).toContain('workqueue_work_duration_seconds_sum{name="pods"} 3');
  });

  it('lets two queues share one registry', () => {
    const registry = new Registry();
    new WorkQueue({ name: 'a', metrics: registry }).add('x');
    new WorkQueue({ name: 'b', metrics: registry }).add('x');
    expect(registry.getMetricsAsArray().filter((m) => m.name === 'workqueue_adds_total')).toHaveLength(1);
  });
});
