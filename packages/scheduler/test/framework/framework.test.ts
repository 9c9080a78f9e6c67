import { FakeClock, InvalidError, silentLogger } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../src/cache/pod-info.js';
import { SchedulerCache } from '../../src/cache/scheduler-cache.js';
import { Snapshot } from '../../src/cache/snapshot.js';
import { CycleState } from '../../src/framework/cycle-state.js';
import { Framework } from '../../src/framework/framework.js';
import type { BindPlugin, PermitPlugin, ReservePlugin } from '../../src/framework/plugin.js';
import { PluginRegistry } from '../../src/framework/registry.js';
import { Status } from '../../src/framework/status.js';
import { defaultProfile, defaultRegistry } from '../../src/plugins/default-plugins.js';
import { NominatedPods } from '../../src/queue/nominator.js';
import { GenericScheduler } from '../../src/scheduling/generic-scheduler.js';
import { scheduleOne } from '../../src/scheduling/schedule-one.js';
import { seededRandom } from '../../src/scheduling/seeded-random.js';
import { simulate } from '../../src/simulate.js';
import { makeNode, makePod } from '../builders.js';
import { recordingClient } from '../harness.js';

/** A scheduler core with the default plugins plus `extra`, over two nodes. */
function setup(extra: { name: string; plugin: object }[]) {
  const clock = new FakeClock();
  const registry = defaultRegistry();
  for (const e of extra) registry.register(e.name, () => ({ name: e.name, ...e.plugin }));
  const cache = new SchedulerCache({ clock });
  cache.addNode(makeNode('n1').obj());
  cache.addNode(makeNode('n2').obj());
  const snapshot = new Snapshot();
  const { client, calls } = recordingClient();
  const fwk = new Framework(defaultProfile({ plugins: extra.map((e) => ({ name: e.name })) }), {
    registry,
    clock,
    logger: silentLogger(),
    client,
    nominator: new NominatedPods(),
    random: seededRandom(1),
    snapshot,
  });
  const algorithm = new GenericScheduler({ cache, snapshot, random: seededRandom(1) });
  return { clock, cache, fwk, calls, ctx: { algorithm, cache } };
}

describe('Framework', () => {
  it('holds a pod in Permit until allowed, then binds it', async () => {
    const permit: Omit<PermitPlugin, 'name'> = { permit: () => ({ status: Status.wait(), timeoutMs: 10_000 }) };
    const { fwk, calls, ctx, cache } = setup([{ name: 'Gate', plugin: permit }]);
    const pod = makePod('p').obj();
    const outcome = await scheduleOne(ctx, fwk, new PodInfo(pod));
    expect(outcome.kind).toBe('assumed');
    expect(cache.isAssumed('default/p')).toBe(true);
    expect(calls).toEqual([]);
    fwk.getWaitingPod(pod.metadata.uid!)!.allow('Gate');
    if (outcome.kind === 'assumed') expect((await outcome.binding).isSuccess()).toBe(true);
    expect(calls).toEqual([{ op: 'bind', pod: 'p', node: expect.any(String) }]);
  });

  it('rejects a waiting pod when Permit times out on the clock, and forgets it', async () => {
    const unreserved: string[] = [];
    const permit: Omit<PermitPlugin, 'name'> = { permit: () => ({ status: Status.wait(), timeoutMs: 5000 }) };
    const reserve: Omit<ReservePlugin, 'name'> = {
      reserve: () => Status.success(),
      unreserve: (_s, pod) => {
        unreserved.push(pod.key);
      },
    };
    const { fwk, calls, ctx, cache, clock } = setup([
      { name: 'Gate', plugin: permit },
      { name: 'Book', plugin: reserve },
    ]);
    const outcome = await scheduleOne(ctx, fwk, new PodInfo(makePod('p').obj()));
    if (outcome.kind !== 'assumed') throw new Error(`expected assumed, got ${outcome.kind}`);
    await clock.step(5000);
    const status = await outcome.binding;
    expect(status.code).toBe('Unschedulable');
    expect(status.plugin).toBe('Gate');
    expect(status.message()).toMatch(/timeout/);
    expect(unreserved).toEqual(['default/p']);
    expect(cache.hasPod('default/p')).toBe(false);
    expect(calls).toEqual([]);
  });

  it('passes binding to the next Bind plugin when one says Skip', async () => {
    const skipper: Omit<BindPlugin, 'name'> = { bind: async () => Status.skip() };
    const { fwk, calls, ctx } = setup([{ name: 'Skipper', plugin: skipper }]);
    const outcome = await scheduleOne(ctx, fwk, new PodInfo(makePod('p').obj()));
    if (outcome.kind !== 'assumed') throw new Error(`expected assumed, got ${outcome.kind}`);
    expect((await outcome.binding).isSuccess()).toBe(true);
    expect(calls.map((c) => c.op)).toEqual(['bind']);
  });

  it('unreserves and forgets when a Reserve plugin fails', async () => {
    const failing: Omit<ReservePlugin, 'name'> = {
      reserve: () => Status.unschedulable('no room in the book'),
      unreserve: () => {},
    };
    const { fwk, ctx, cache } = setup([{ name: 'Book', plugin: failing }]);
    const outcome = await scheduleOne(ctx, fwk, new PodInfo(makePod('p').obj()));
    expect(outcome.kind).toBe('unschedulable');
    expect(cache.hasPod('default/p')).toBe(false);
  });

  it('does not run a Filter whose PreFilter said Skip', () => {
    const seen: string[] = [];
    const { fwk } = setup([
      {
        name: 'Picky',
        plugin: {
          preFilter: () => ({ status: Status.skip() }),
          filter: () => {
            seen.push('filter');
            return Status.unschedulable('never');
          },
        },
      },
    ]);
    const state = new CycleState();
    const pi = new PodInfo(makePod('p').obj());
    expect(fwk.runPreFilterPlugins(state, pi, []).status.isSuccess()).toBe(true);
    expect(fwk.runFilterPlugins(state, pi, makeNodeInfo()).isSuccess()).toBe(true);
    expect(seen).toEqual([]);
  });
});

describe('nominated pods', () => {
  it('hold their room against lower-priority pods but not against higher ones', () => {
    const { fwk, cache } = setup([]);
    const snapshot = fwk.snapshot();
    cache.updateSnapshot(snapshot);
    const nominated = new PodInfo(makePod('nominee').req({ cpu: '3' }).priority(10).obj());
    fwk.nominator.addNominatedPod(nominated, 'n1');
    const check = (pod: PodInfo) => {
      const state = new CycleState();
      fwk.runPreFilterPlugins(state, pod, snapshot.nodeInfoList);
      return fwk.runFilterPluginsWithNominatedPods(state, pod, snapshot.get('n1')!);
    };
    expect(check(new PodInfo(makePod('low').req({ cpu: '2' }).priority(1).obj())).message()).toBe('Insufficient cpu');
    expect(check(new PodInfo(makePod('higher').req({ cpu: '2' }).priority(20).obj())).isSuccess()).toBe(true);
    expect(check(new PodInfo(makePod('small').req({ cpu: '1' }).priority(1).obj())).isSuccess()).toBe(true);
  });
});

function makeNodeInfo() {
  const cache = new SchedulerCache({ clock: new FakeClock() });
  cache.addNode(makeNode('x').obj());
  const s = new Snapshot();
  cache.updateSnapshot(s);
  return s.nodeInfoList[0];
}

describe('PluginRegistry and profiles', () => {
  it('refuses duplicate and unknown plugin names with InvalidError', () => {
    const registry = new PluginRegistry().register('A', () => ({ name: 'A' }));
    expect(() => registry.register('A', () => ({ name: 'A' }))).toThrow(InvalidError);
    expect(() => registry.get('B')).toThrow(/Not found: "B": register it first/);
  });

  it('runs a custom Score plugin from the registry with its weight and args', async () => {
    const registry = defaultRegistry().register('PreferNode', (args) => ({
      name: 'PreferNode',
      score: (_s: CycleState, _p: PodInfo, n: { name: string }) =>
        n.name === (args as { node: string }).node ? 100 : 0,
    }));
    const profile = defaultProfile({ plugins: [{ name: 'PreferNode', weight: 50, args: { node: 'n7' } }] });
    const nodes = Array.from({ length: 10 }, (_, i) => makeNode(`n${i}`).obj());
    const r = await simulate({ nodes, pods: [makePod('p').obj()], profile, registry, seed: 3 });
    expect(r.placements[0].node).toBe('n7');
  });

  it('refuses a Score plugin that scores outside 0..100 without normalizing', async () => {
    const registry = defaultRegistry().register('Wild', () => ({ name: 'Wild', score: () => 150 }));
    const profile = defaultProfile({ plugins: [{ name: 'Wild' }] });
    const nodes = [makeNode('a').obj(), makeNode('b').obj()];
    await expect(simulate({ nodes, pods: [makePod('p').obj()], profile, registry })).rejects.toThrow(InvalidError);
  });

  it('defaultProfile can leave plugins out', () => {
    const names = defaultProfile({ disabled: ['DefaultPreemption', 'ImageLocality'] }).plugins.map((p) => p.name);
    expect(names).not.toContain('DefaultPreemption');
    expect(names).not.toContain('ImageLocality');
    expect(names).toContain('NodeResourcesFit');
  });
});
