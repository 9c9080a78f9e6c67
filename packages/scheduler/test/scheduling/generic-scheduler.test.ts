import { FakeClock, silentLogger } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../src/cache/pod-info.js';
import { SchedulerCache } from '../../src/cache/scheduler-cache.js';
import { Snapshot } from '../../src/cache/snapshot.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Framework } from '../../src/framework/framework.js';
import { Status } from '../../src/framework/status.js';
import { defaultRegistry } from '../../src/plugins/default-plugins.js';
import { NominatedPods } from '../../src/queue/nominator.js';
import { GenericScheduler } from '../../src/scheduling/generic-scheduler.js';
import { numFeasibleNodesToFind } from '../../src/scheduling/nodes-to-find.js';
import { seededRandom } from '../../src/scheduling/seeded-random.js';
import { makeNode, makePod } from '../builders.js';
import { recordingClient } from '../harness.js';

describe('numFeasibleNodesToFind', () => {
  it.each([
    { nodes: 50, pct: undefined, want: 50 },
    { nodes: 99, pct: undefined, want: 99 },
    { nodes: 100, pct: undefined, want: 100 },
    // adaptive: 50 - 1000/125 = 42%
    { nodes: 1000, pct: undefined, want: 420 },
    // 50 - 40 = 10%
    { nodes: 5000, pct: undefined, want: 500 },
    // 50 - 48 = 2% -> at least 5%
    { nodes: 6000, pct: undefined, want: 300 },
    { nodes: 1000, pct: 5, want: 100 },
    { nodes: 1000, pct: 1, want: 100 },
    { nodes: 1000, pct: 100, want: 1000 },
    { nodes: 1000, pct: 30, want: 300 },
  ])('$nodes nodes, percentageOfNodesToScore $pct -> $want', ({ nodes, pct, want }) => {
    expect(numFeasibleNodesToFind(nodes, pct)).toBe(want);
  });
});

function setup(numNodes: number, chunk?: number) {
  const clock = new FakeClock();
  const filtered: string[] = [];
  const registry = defaultRegistry().register('Recorder', () => ({
    name: 'Recorder',
    filter: (_s: CycleState, _p: PodInfo, n: { name: string }) => {
      filtered.push(n.name);
      return Status.success();
    },
  }));
  const cache = new SchedulerCache({ clock });
  for (let i = 0; i < numNodes; i++) cache.addNode(makeNode(`n${i}`).obj());
  const snapshot = new Snapshot();
  const fwk = new Framework(
    { schedulerName: 's', plugins: [{ name: 'Recorder' }] },
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
  const algorithm = new GenericScheduler({ cache, snapshot, random: seededRandom(1), filterChunkSize: chunk });
  return { fwk, algorithm, filtered };
}

describe('GenericScheduler', () => {
  it('stops at numFeasibleNodesToFind and starts the next cycle where the last one stopped', async () => {
    const { fwk, algorithm, filtered } = setup(200);
    const pod = new PodInfo(makePod('p').obj());
    await algorithm.schedulePod(fwk, new CycleState(), pod);
    expect(filtered).toHaveLength(100);
    expect(filtered[0]).toBe('n0');
    filtered.length = 0;
    await algorithm.schedulePod(fwk, new CycleState(), pod);
    expect(filtered[0]).toBe('n100');
    expect(filtered).toHaveLength(100);
  });

  it('yields to the event loop between filter chunks', async () => {
    const { fwk, algorithm, filtered } = setup(1000, 100);
    let seenAt = -1;
    setImmediate(() => {
      seenAt = filtered.length;
    });
    await algorithm.schedulePod(fwk, new CycleState(), new PodInfo(makePod('p').obj()));
    expect(seenAt).toBe(100);
    expect(filtered).toHaveLength(420);
  });
});
