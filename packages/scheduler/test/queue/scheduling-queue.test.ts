import { FakeClock } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { Status } from '../../src/framework/status.js';
import { PrioritySort } from '../../src/plugins/priority-sort/priority-sort.js';
import { type QueuedPodInfo, SchedulingQueue } from '../../src/queue/scheduling-queue.js';
import { makePod } from '../builders.js';

function newQueue(extra: Partial<ConstructorParameters<typeof SchedulingQueue>[0]> = {}) {
  const clock = new FakeClock();
  const sort = new PrioritySort();
  const queue = new SchedulingQueue({ clock, less: (a, b) => sort.less(a, b), ...extra });
  return { clock, queue };
}

async function popName(queue: SchedulingQueue): Promise<string | undefined> {
  return (await queue.pop())?.podInfo.pod.metadata.name;
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by time in the queue', async () => {
    const { clock, queue } = newQueue();
    queue.add(makePod('low-old').priority(1).obj());
    await clock.step(10);
    queue.add(makePod('high').priority(100).obj());
    await clock.step(10);
    queue.add(makePod('low-new').priority(1).obj());
    expect([await popName(queue), await popName(queue), await popName(queue)]).toEqual(['high', 'low-old', 'low-new']);
  });

  it('backs failed pods off 1 s, doubling per attempt, capped at 10 s', async () => {
    const { clock, queue } = newQueue();
    expect([1, 2, 3, 4, 5, 6].map((a) => queue.backoffDuration(a))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    queue.add(makePod('p').obj());
    let q = (await queue.pop())!;
    for (const expected of [1000, 2000, 4000]) {
      queue.addBackoff(q);
      await clock.step(expected - 1);
      expect(queue.pending()).toMatchObject({ active: 0, backoff: 1 });
      await clock.step(1);
      expect(queue.pending()).toMatchObject({ active: 1, backoff: 0 });
      q = (await queue.pop())!;
    }
    expect(q.attempts).toBe(4);
  });

  it('keeps an unschedulable pod until a relevant event, then moves it to backoff while it still backs off', async () => {
    const { clock, queue } = newQueue({
      relevantEvents: (plugins) => (plugins.has('NodeResourcesFit') ? new Set(['NodeAdd']) : new Set()),
    });
    queue.add(makePod('p').obj());
    const q = (await queue.pop())!;
    queue.addUnschedulable(q, queue.currentSchedulingCycle + 1, new Set(['NodeResourcesFit']));
    expect(queue.pending()).toMatchObject({ unschedulable: 1 });
    queue.moveAllToActiveOrBackoff('AssignedPodAdd');
    expect(queue.pending()).toMatchObject({ unschedulable: 1 });
    queue.moveAllToActiveOrBackoff('NodeAdd');
    expect(queue.pending()).toMatchObject({ unschedulable: 0, backoff: 1 });
    await clock.step(1000);
    expect(await popName(queue)).toBe('p');
  });

  it('sends a pod to backoff when an event arrived during its scheduling cycle', async () => {
    const { queue } = newQueue();
    queue.add(makePod('p').obj());
    const q = (await queue.pop())!;
    const cycle = queue.currentSchedulingCycle;
    queue.moveAllToActiveOrBackoff('NodeAdd');
    queue.addUnschedulable(q, cycle, new Set(['NodeResourcesFit']));
    expect(queue.pending()).toMatchObject({ unschedulable: 0, backoff: 1 });
  });

  it('retries unschedulable pods after 5 minutes with no event', async () => {
    const { clock, queue } = newQueue();
    const signal = new AbortController();
    queue.run(signal.signal);
    queue.add(makePod('p').obj());
    const q: QueuedPodInfo = (await queue.pop())!;
    queue.addUnschedulable(q, queue.currentSchedulingCycle + 1, new Set(['X']));
    await clock.step(270_000);
    expect(queue.pending()).toMatchObject({ unschedulable: 1 });
    await clock.step(60_000);
    expect(queue.pending()).toMatchObject({ unschedulable: 0, active: 1 });
    signal.abort();
  });

  it('parks pods refused by PreEnqueue until they change', async () => {
    const gated = (name: string) => name.startsWith('gated');
    const { queue } = newQueue({
      preEnqueue: (pod) =>
        gated(pod.metadata.name) && !pod.metadata.labels?.open
          ? Status.unschedulable('gate').withPlugin('Gate')
          : Status.success(),
    });
    queue.add(makePod('gated').obj());
    queue.add(makePod('free').obj());
    expect(queue.pending()).toEqual({ active: 1, backoff: 0, unschedulable: 0, gated: 1 });
    queue.moveAllToActiveOrBackoff('NodeAdd');
    expect(queue.pending().gated).toBe(1);
    queue.update(makePod('gated').labels({ open: 'yes' }).obj());
    expect(queue.pending()).toEqual({ active: 2, backoff: 0, unschedulable: 0, gated: 0 });
  });

  it('hands a pod added later to a waiting pop, and resolves waiting pops with undefined on close', async () => {
    const { queue } = newQueue();
    const waiting = queue.pop();
    queue.add(makePod('late').obj());
    expect((await waiting)?.podInfo.pod.metadata.name).toBe('late');
    const again = queue.pop();
    queue.close();
    expect(await again).toBeUndefined();
  });

  it('keeps the nomination a pod already carries until the pod leaves', () => {
    const { queue } = newQueue();
    const pod = makePod('p').nominated('n1').obj();
    queue.add(pod);
    expect(queue.nominatedPodsForNode('n1').map((p) => p.key)).toEqual(['default/p']);
    queue.delete(pod);
    expect(queue.nominatedPodsForNode('n1')).toEqual([]);
  });

  it('forgets deleted pods wherever they are', async () => {
    const { queue } = newQueue();
    const pod = makePod('p').obj();
    queue.add(pod);
    queue.delete(pod);
    expect(queue.pending()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
  });
});
