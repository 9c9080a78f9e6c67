import { FakeClock } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../../src/cache/scheduler-cache.js';
import { Snapshot } from '../../src/cache/snapshot.js';
import { spreadConstraintsOf, spreadNodeFilter } from '../../src/plugins/pod-topology-spread/spread-constraint.js';
import { podsByDomain, SpreadCountCache } from '../../src/plugins/pod-topology-spread/spread-count-cache.js';
import { makeNode, makePod } from '../builders.js';

/** A pod of app=web spread over zones with maxSkew 1, its constraints and its node filter. */
function webSpreadByZone() {
  const incoming = makePod('new')
    .labels({ app: 'web' })
    .spread({
      maxSkew: 1,
      topologyKey: 'zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { app: 'web' } },
    })
    .obj();
  const constraints = spreadConstraintsOf(incoming, 'DoNotSchedule', [], () => undefined);
  return { incoming, constraints, filter: spreadNodeFilter(incoming, constraints) };
}

describe('SpreadCountCache', () => {
  it('stays equal to a full recount as pods come and go and nodes leave', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    for (const [name, zone] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
    ]) {
      cache.addNode(makeNode(name).labels({ zone }).obj());
    }
    const snapshot = new Snapshot();
    const { incoming, constraints, filter } = webSpreadByZone();
    const kept = new SpreadCountCache();
    const count = (c: SpreadCountCache) => {
      cache.updateSnapshot(snapshot);
      return podsByDomain(c.counts('sig', incoming, snapshot, constraints, filter)).map((m) => Object.fromEntries(m));
    };
    expect(count(kept)).toEqual([{ a: 0, b: 0 }]);
    const web = (name: string, node: string) => makePod(name).labels({ app: 'web' }).node(node).obj();
    cache.addPod(web('w1', 'a1'));
    cache.addPod(web('w2', 'b1'));
    cache.addPod(makePod('db').labels({ app: 'db' }).node('a2').obj());
    expect(count(kept)).toEqual([{ a: 1, b: 1 }]);
    cache.removePod(web('w1', 'a1'));
    expect(count(kept)).toEqual([{ a: 0, b: 1 }]);
    cache.removePod(web('w2', 'b1'));
    cache.removeNode('b1');
    expect(count(kept)).toEqual([{ a: 0 }]);
    expect(count(kept)).toEqual(count(new SpreadCountCache()));
  });

  it('brings its counts up to date from the nodes refreshed since, without a pass over every node', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    const names = Array.from({ length: 100 }, (_, i) => `n${i}`);
    for (const [i, name] of names.entries())
      cache.addNode(
        makeNode(name)
          .labels({ zone: `z${i % 4}` })
          .obj(),
      );
    const snapshot = new Snapshot();
    const { incoming, constraints, filter } = webSpreadByZone();
    const kept = new SpreadCountCache();
    const count = (c: SpreadCountCache) =>
      podsByDomain(c.counts('sig', incoming, snapshot, constraints, filter)).map((m) => Object.fromEntries(m));
    cache.updateSnapshot(snapshot);
    count(kept);
    // Every read of the node list from here on is counted: a refresh of one node must not read all 100.
    let listReads = 0;
    snapshot.nodeInfoList = new Proxy(snapshot.nodeInfoList, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) listReads++;
        return Reflect.get(target, key, receiver);
      },
    });
    for (const [i, node] of ['n1', 'n2', 'n1'].entries()) {
      cache.addPod(makePod(`w${i}`).labels({ app: 'web' }).node(node).obj());
      cache.updateSnapshot(snapshot);
      const before = listReads;
      const counted = count(kept);
      expect(listReads - before).toBe(0);
      expect(counted).toEqual(count(new SpreadCountCache()));
    }
    expect(count(kept)).toEqual([{ z0: 0, z1: 2, z2: 1, z3: 0 }]);
    // The answer is the cache's own totals, not a copy per cycle (hostname spreading has a domain per node).
    const live = kept.counts('sig', incoming, snapshot, constraints, filter);
    expect(kept.counts('sig', incoming, snapshot, constraints, filter)).toBe(live);
  });
});
