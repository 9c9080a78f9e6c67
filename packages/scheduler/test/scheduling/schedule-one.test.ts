import { FakeClock, silentLogger } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../src/cache/pod-info.js';
import { SchedulerCache } from '../../src/cache/scheduler-cache.js';
import { Snapshot } from '../../src/cache/snapshot.js';
import { Framework } from '../../src/framework/framework.js';
import { Status } from '../../src/framework/status.js';
import { defaultRegistry } from '../../src/plugins/default-plugins.js';
import { NominatedPods } from '../../src/queue/nominator.js';
import { GenericScheduler } from '../../src/scheduling/generic-scheduler.js';
import { scheduleOne } from '../../src/scheduling/schedule-one.js';
import { seededRandom } from '../../src/scheduling/seeded-random.js';
import { makeNode, makePod } from '../builders.js';
import { recordingClient } from '../harness.js';

describe('scheduleOne', () => {
  it('ends the cycle with an error outcome, not a throw, when the pod reached the cache while the cycle ran', async () => {
    const clock = new FakeClock();
    const cache = new SchedulerCache({ clock });
    cache.addNode(makeNode('n1').obj());
    const pod = makePod('p').obj();
    // The informer delivers the pod, bound elsewhere, while the cycle filters nodes (kube-scheduler's failed assume).
    const registry = defaultRegistry().register('LateBinding', () => ({
      name: 'LateBinding',
      filter: () => {
        if (!cache.hasPod(new PodInfo(pod).key)) cache.addPod({ ...pod, spec: { ...pod.spec, nodeName: 'n1' } });
        return Status.success();
      },
    }));
    const snapshot = new Snapshot();
    const fwk = new Framework(
      { schedulerName: 's', plugins: [{ name: 'LateBinding' }] },
      {
        registry,
        clock,
        logger: silentLogger(),
        client: recordingClient().client,
        nominator: new NominatedPods(),
        random: seededRandom(1),
        snapshot,
      },
    );
    const algorithm = new GenericScheduler({ cache, snapshot, random: seededRandom(1) });
    const outcome = await scheduleOne({ algorithm, cache }, fwk, new PodInfo(pod));
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.error.message).toContain('already in the scheduler cache');
  });
});
