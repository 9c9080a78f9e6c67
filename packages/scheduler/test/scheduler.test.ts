import { Api, FakeClock, InformerFactory, InvalidError, MemoryStore, type Pod } from '@flotilla/core';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile } from '../src/framework/profile.js';
import { defaultProfile } from '../src/plugins/default-plugins.js';
import { Scheduler } from '../src/scheduler.js';
import { makeNamespace, makeNode, makePod, priorityClass, viaPriorityClass } from './builders.js';

/** A cluster in memory: Api over MemoryStore, shared informers, a scheduler running on a FakeClock. */
async function startCluster(options: { seed?: number; profiles?: Profile[] } = {}) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const api = new Api({ store, clock });
  const informers = new InformerFactory(api, { clock });
  const metrics = new Registry();
  const scheduler = new Scheduler({
    api,
    informers,
    clock,
    seed: options.seed ?? 1,
    metrics,
    profiles: options.profiles,
  });
  const abort = new AbortController();
  const running = scheduler.run(abort.signal);
  const stop = async () => {
    abort.abort();
    await running;
    await api.close();
  };
  return { api, clock, scheduler, metrics, stop };
}

/** Polls (on the event loop, no timers) until `check` returns a value. */
async function until<T>(check: () => Promise<T | undefined>, turns = 2000): Promise<T> {
  for (let i = 0; i < turns; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}

const scheduledCondition = (pod: Pod) => pod.status?.conditions?.find((c) => c.type === 'PodScheduled');

describe('Scheduler options', () => {
  it.each([
    { name: 'no profile', profiles: [] },
    { name: 'two profiles with one name', profiles: [defaultProfile(), defaultProfile()] },
  ])('refuses $name', async ({ profiles }) => {
    const api = new Api({ store: new MemoryStore() });
    expect(() => new Scheduler({ api, informers: new InformerFactory(api), profiles })).toThrow(InvalidError);
    await api.close();
  });
});

describe('Scheduler with the Api', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('binds created pods and sets PodScheduled=True', async () => {
    cluster = await startCluster();
    const { api } = cluster;
    for (const n of ['n1', 'n2'])
      await api.resource('Node').create(makeNode(n).capacity({ cpu: '2', memory: '4Gi', pods: 10 }).obj());
    for (let i = 0; i < 6; i++) await api.resource('Pod').create(makePod(`p${i}`).req({ cpu: '500m' }).obj());
    const pods = await until(async () => {
      const list = await api.resource('Pod').list({ namespace: 'default' });
      return list.items.every((p) => p.spec.nodeName) ? list.items : undefined;
    });
    expect(pods).toHaveLength(6);
    for (const p of pods) expect(scheduledCondition(p)?.status).toBe('True');
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    expect([...perNode.values()].every((n) => n <= 4)).toBe(true);
    const text = await cluster.metrics.metrics();
    expect(text).toMatch(/scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} 6/);
  });

  it('explains an unschedulable pod, then schedules it once a node that fits is added', async () => {
    cluster = await startCluster();
    const { api } = cluster;
    await api.resource('Node').create(makeNode('small').capacity({ cpu: '1', memory: '1Gi', pods: 10 }).obj());
    await api.resource('Pod').create(makePod('big').req({ cpu: '3' }).obj());
    const pending = await until(async () => {
      const p = await api.resource('Pod').get('default', 'big');
      return scheduledCondition(p)?.status === 'False' ? p : undefined;
    });
    expect(scheduledCondition(pending)).toMatchObject({
      reason: 'Unschedulable',
      message: expect.stringMatching(/^0\/1 nodes are available: 1 Insufficient cpu\./),
    });
    expect(pending.spec.nodeName).toBeUndefined();
    // Its own status write does not send it around again: one attempt until the cluster changes.
    await cluster.clock.step(2000);
    expect(await cluster.metrics.metrics()).toMatch(
      /scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} 1\n/,
    );
    await api.resource('Node').create(makeNode('large').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).obj());
    await cluster.clock.step(1000);
    const bound = await until(async () => {
      const p = await api.resource('Pod').get('default', 'big');
      return p.spec.nodeName ? p : undefined;
    });
    expect(bound.spec.nodeName).toBe('large');
    expect(scheduledCondition(bound)?.status).toBe('True');
  });

  it('keeps required anti-affinity across namespaces selected by label, and retries when a namespace is relabelled', async () => {
    cluster = await startCluster();
    const { api, clock } = cluster;
    const pods = api.resource('Pod');
    for (const [name, env] of [
      ['prod', 'prod'],
      ['prod2', 'prod'],
      ['dev', 'dev'],
    ]) {
      await api.resource('Namespace').create(makeNamespace(name, { env }));
    }
    for (const n of ['n1', 'n2']) await api.resource('Node').create(makeNode(n).obj());
    await pods.create(makePod('web', 'prod').labels({ app: 'web' }).node('n1').obj());
    await pods.create(makePod('web', 'prod2').labels({ app: 'web' }).node('n2').obj());
    const apartFromProdWeb = (name: string, namespace = 'default') =>
      makePod(name, namespace)
        .podAffinity('podAntiAffinity', {
          labelSelector: { matchLabels: { app: 'web' } },
          namespaceSelector: { matchLabels: { env: 'prod' } },
          topologyKey: 'kubernetes.io/hostname',
        })
        .obj();
    await pods.create(apartFromProdWeb('loner'));
    const pending = await until(async () => {
      const p = await pods.get('default', 'loner');
      return scheduledCondition(p)?.status === 'False' ? p : undefined;
    });
    expect(scheduledCondition(pending)?.message).toMatch(
      /^0\/2 nodes are available: 2 node\(s\) didn't match pod anti-affinity rules\./,
    );
    await clock.step(2000);
    expect(await cluster.metrics.metrics()).toMatch(
      /scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} 1\n/,
    );
    // prod2 leaves the selected namespaces: its web pod no longer counts, and the relabelling alone retries the pod.
    await api.resource('Namespace').patch('prod2', { metadata: { labels: { env: 'staging' } } });
    await clock.step(1000);
    expect(await until(async () => (await pods.get('default', 'loner')).spec.nodeName || undefined)).toBe('n2');
    // An existing pod's term selects the incoming pod's namespace by its label: web pods that prefer n2 go
    // there, except from a prod namespace.
    await pods.create(apartFromProdWeb('guard', 'dev'));
    expect(await until(async () => (await pods.get('dev', 'guard')).spec.nodeName || undefined)).toBe('n2');
    const webPreferringN2 = (namespace: string) =>
      makePod('web-2', namespace)
        .labels({ app: 'web' })
        .preferredNodeAffinity(100, [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }])
        .obj();
    for (const [namespace, node] of [
      ['dev', 'n2'],
      ['prod', 'n1'],
    ]) {
      await pods.create(webPreferringN2(namespace));
      expect(await until(async () => (await pods.get(namespace, 'web-2')).spec.nodeName || undefined)).toBe(node);
    }
  });

  it('spreads the pods a Service selects over nodes by default (System defaulting), read through informers', async () => {
    cluster = await startCluster();
    const { api } = cluster;
    // n1 alone holds the image: without default spreading ImageLocality would put every pod there.
    const image = { names: ['web:1'], sizeBytes: 1000 * 1024 * 1024 };
    for (const n of ['n1', 'n2', 'n3']) {
      const node = makeNode(n).capacity({ cpu: '4', memory: '8Gi', pods: 10 });
      await api.resource('Node').create((n === 'n1' ? node.images(image) : node).obj());
    }
    await api.resource('Service').create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    const nodes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await api.resource('Pod').create(makePod(`web-${i}`).labels({ app: 'web' }).image('web:1').obj());
      nodes.push(
        await until(async () => (await api.resource('Pod').get('default', `web-${i}`)).spec.nodeName ?? undefined),
      );
    }
    expect(new Set(nodes).size).toBe(3);
  });

  it('schedules each pod with the profile its schedulerName names', async () => {
    const binPacking = defaultProfile({
      schedulerName: 'bin-packing',
      plugins: [{ name: 'NodeResourcesFit', weight: 10, args: { scoringStrategy: { type: 'MostAllocated' } } }],
    });
    cluster = await startCluster({ profiles: [defaultProfile(), binPacking] });
    const { api } = cluster;
    await api.resource('Node').create(makeNode('busy').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).obj());
    await api.resource('Node').create(makeNode('idle').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).obj());
    await api.resource('Pod').create(makePod('load').req({ cpu: '2', memory: '4Gi' }).node('busy').obj());
    await api.resource('Pod').create(makePod('spread').req({ cpu: '1', memory: '2Gi' }).obj());
    await api
      .resource('Pod')
      .create(makePod('packed').req({ cpu: '1', memory: '2Gi' }).schedulerName('bin-packing').obj());
    const nodeOf = async (name: string) =>
      until(async () => (await api.resource('Pod').get('default', name)).spec.nodeName || undefined);
    expect(await nodeOf('spread')).toBe('idle');
    expect(await nodeOf('packed')).toBe('busy');
  });

  it('forgets a pod whose binding failed and binds it on a later attempt', async () => {
    cluster = await startCluster();
    const { api, clock } = cluster;
    let refusals = 1;
    api.addAdmissionHook({
      name: 'flaky-binding',
      kinds: ['Pod'],
      operations: ['UPDATE'],
      admit(req) {
        if (req.subresource === 'binding' && refusals-- > 0) throw new Error('binding refused once, by the test');
      },
    });
    await api.resource('Node').create(makeNode('only').capacity({ cpu: '1', memory: '1Gi', pods: 1 }).obj());
    await api.resource('Pod').create(makePod('p').req({ cpu: '1' }).obj());
    const failed = await until(async () => {
      const p = await api.resource('Pod').get('default', 'p');
      return scheduledCondition(p)?.reason === 'SchedulerError' ? p : undefined;
    });
    expect(scheduledCondition(failed)?.message).toMatch(/binding refused once/);
    // The node's only slot was given back: after the 1 s backoff the pod binds there.
    await clock.step(1000);
    const bound = await until(async () => (await api.resource('Pod').get('default', 'p')).spec.nodeName || undefined);
    expect(bound).toBe('only');
  });

  it('ignores pods that name another scheduler', async () => {
    cluster = await startCluster();
    const { api } = cluster;
    await api.resource('Node').create(makeNode('n1').obj());
    await api.resource('Pod').create(makePod('theirs').schedulerName('other-scheduler').obj());
    await api.resource('Pod').create(makePod('ours').obj());
    await until(async () => ((await api.resource('Pod').get('default', 'ours')).spec.nodeName ? true : undefined));
    const theirs = await api.resource('Pod').get('default', 'theirs');
    expect(theirs.spec.nodeName).toBeUndefined();
    expect(scheduledCondition(theirs)).toBeUndefined();
  });

  it('preempts lower-priority pods gracefully, nominates the node, and binds there once the victims are gone', async () => {
    cluster = await startCluster();
    const { api, clock } = cluster;
    const pods = api.resource('Pod');
    await api.resource('Node').create(makeNode('n1').capacity({ cpu: '4', memory: '8Gi', pods: 10 }).obj());
    await api.resource('PriorityClass').create(priorityClass(100));
    await pods.create(makePod('low-1').req({ cpu: '2' }).node('n1').obj());
    await pods.create(makePod('low-2').req({ cpu: '2' }).node('n1').obj());
    await pods.create(viaPriorityClass(makePod('high').req({ cpu: '3' }).priority(100).obj()));
    const nominated = await until(async () => {
      const p = await pods.get('default', 'high');
      return p.status?.nominatedNodeName ? p : undefined;
    });
    expect(nominated.status?.nominatedNodeName).toBe('n1');
    expect(nominated.spec.nodeName).toBeUndefined();
    const victims = (await pods.list({ namespace: 'default' })).items.filter((p) => p.metadata.deletionTimestamp);
    expect(victims.map((v) => v.metadata.name).sort()).toEqual(['low-1', 'low-2']);
    // The node agent's part: terminate the victims.
    for (const v of victims) await pods.delete('default', v.metadata.name, { gracePeriodSeconds: 0 });
    await clock.step(2000);
    const bound = await until(async () => {
      const p = await pods.get('default', 'high');
      return p.spec.nodeName ? p : undefined;
    });
    expect(bound.spec.nodeName).toBe('n1');
  });
});

describe('Scheduler with PriorityClasses (Priority admission)', () => {
  it('a pod of a preemptionPolicy: Never class waits instead of preempting; one of a PreemptLowerPriority class preempts', async () => {
    const cluster = await startCluster();
    try {
      const { api } = cluster;
      const pods = api.resource('Pod');
      await api
        .resource('PriorityClass')
        .create({ ...priorityClass(1000), metadata: { name: 'polite' }, preemptionPolicy: 'Never' });
      await api.resource('PriorityClass').create(priorityClass(1000));
      await api.resource('Node').create(makeNode('n1').capacity({ cpu: '2', memory: '8Gi', pods: 10 }).obj());
      await pods.create(makePod('low').req({ cpu: '2' }).node('n1').obj());
      await pods.create({
        ...makePod('polite').req({ cpu: '2' }).obj(),
        spec: { ...makePod('polite').req({ cpu: '2' }).obj().spec, priorityClassName: 'polite' },
      });
      const waiting = await until(async () => {
        const p = await pods.get('default', 'polite');
        return scheduledCondition(p)?.reason === 'Unschedulable' ? p : undefined;
      });
      expect(waiting.spec.preemptionPolicy).toBe('Never');
      expect(waiting.status?.nominatedNodeName).toBeUndefined();
      expect((await pods.get('default', 'low')).metadata.deletionTimestamp).toBeUndefined();
      await pods.create(viaPriorityClass(makePod('pushy').req({ cpu: '2' }).priority(1000).obj()));
      const evicted = await until(async () => {
        const low = await pods.get('default', 'low');
        return low.metadata.deletionTimestamp ? low : undefined;
      });
      expect(evicted.metadata.deletionTimestamp).toBeDefined();
    } finally {
      await cluster.stop();
    }
  });
});
