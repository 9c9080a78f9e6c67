import type { PodPhase } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PodGarbageCollector } from '../../src/pod-gc/pod-gc.js';
import { testPod } from '../support/builders.js';
import { TestCluster } from '../support/cluster.js';

describe('pod garbage collector', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = new TestCluster();
    cluster.informers.for('Node');
    await cluster.start([]);
    await cluster.api.resource('Node').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
  });
  afterEach(() => cluster.stop());

  const pods = () => cluster.api.resource('Pod');
  /** Creates a pod as the store would hold it: bound to `node` and in `phase`. */
  const podOn = async (name: string, node: string | undefined, phase: PodPhase, finalizers?: string[]) => {
    const pod = testPod(name, { node, phase });
    pod.metadata.finalizers = finalizers;
    const created = await pods().create(pod);
    await pods().patchStatus('default', name, { status: { phase } });
    await cluster.clock.step(1000);
    return created;
  };
  const names = async () => (await pods().list({ namespace: 'default' })).items.map((p) => p.metadata.name).sort();

  it('deletes the oldest terminated pods beyond the threshold', async () => {
    for (const [i, phase] of (
      ['Succeeded', 'Failed', 'Running', 'Succeeded', 'Failed', 'Succeeded'] as const
    ).entries()) {
      await podOn(`p${i}`, 'node-1', phase);
    }
    const gc = new PodGarbageCollector(cluster.ctx, { terminatedPodThreshold: 3 });
    expect(await gc.pass()).toEqual({ terminated: 2, orphaned: 0, unscheduledTerminating: 0 });
    expect(await names()).toEqual(['p2', 'p3', 'p4', 'p5']);
    await cluster.clock.flush();
    expect((await gc.pass()).terminated).toBe(0);
  });

  it('force-deletes pods (terminating or not) of a node gone for the 40 s quarantine, after checking the Api', async () => {
    await podOn('on-live-node', 'node-1', 'Running');
    await podOn('on-gone-node', 'node-gone', 'Running');
    await podOn('terminating-on-gone-node', 'node-gone', 'Running');
    await pods().delete('default', 'terminating-on-gone-node');
    expect((await pods().get('default', 'terminating-on-gone-node')).metadata.deletionTimestamp).toBeDefined();
    await cluster.clock.flush();
    const gc = new PodGarbageCollector(cluster.ctx);
    expect((await gc.pass()).orphaned).toBe(0);
    await cluster.clock.step(39_999);
    expect((await gc.pass()).orphaned).toBe(0);
    await cluster.clock.step(1);
    expect((await gc.pass()).orphaned).toBe(2);
    expect(await names()).toEqual(['on-live-node']);
  });

  it('does not delete pods of a node that is only missing from the cache', async () => {
    await podOn('on-node-2', 'node-2', 'Running');
    const gc = new PodGarbageCollector(cluster.ctx, { quarantineMs: 0 });
    // Written behind the cache's back: the Api has the node, the Node cache is built to miss it.
    const real = cluster.informers.for('Node').cache;
    const blind = new PodGarbageCollector(
      {
        ...cluster.ctx,
        informers: {
          for: (kind: string) =>
            kind === 'Node'
              ? { cache: Object.assign(Object.create(real), { get: () => undefined }) }
              : cluster.informers.for(kind),
        } as typeof cluster.ctx.informers,
      },
      { quarantineMs: 0 },
    );
    await cluster.api.resource('Node').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' } });
    expect((await blind.pass()).orphaned).toBe(0);
    await cluster.clock.flush();
    expect((await gc.pass()).orphaned).toBe(0);
    expect(await names()).toEqual(['on-node-2']);
  });

  it('force-deletes terminating pods that were never scheduled', async () => {
    await podOn('unscheduled', undefined, 'Pending', ['example.com/hold']);
    await podOn('scheduled', 'node-1', 'Running', ['example.com/hold']);
    await pods().delete('default', 'unscheduled');
    await pods().delete('default', 'scheduled');
    await cluster.clock.flush();
    const gc = new PodGarbageCollector(cluster.ctx);
    const pass = await gc.pass();
    expect(pass).toEqual({ terminated: 0, orphaned: 0, unscheduledTerminating: 1 });
    expect((await pods().get('default', 'unscheduled')).metadata.deletionGracePeriodSeconds).toBe(0);
    expect((await pods().get('default', 'scheduled')).metadata.deletionGracePeriodSeconds).toBe(30);
  });

  it('runs a pass every 20 s on the Clock until stopped', async () => {
    const gc = new PodGarbageCollector(cluster.ctx, { terminatedPodThreshold: 1 });
    const abort = new AbortController();
    const running = gc.start(abort.signal);
    await podOn('old', 'node-1', 'Succeeded');
    await podOn('new', 'node-1', 'Succeeded');
    expect(await names()).toEqual(['new', 'old']);
    await cluster.clock.step(20_000);
    expect(await names()).toEqual(['new']);
    abort.abort();
    await running;
  });
});
