import {
  Api,
  compileLabelSelector,
  FakeClock,
  InformerFactory,
  type LabelSelector,
  MemoryStore,
  type Node,
  type Pod,
  parseMilli,
  parseValue,
} from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../src/plugins/default-plugins.js';
import { toleratesTaint } from '../src/plugins/taint-toleration/tolerations.js';
import { Scheduler } from '../src/scheduler.js';
import { simulate } from '../src/simulate.js';
import { makeNamespace, makeNode, makePod, priorityClass, viaPriorityClass } from './builders.js';

const zones = ['z1', 'z2', 'z3'];
const taints = [
  { key: 'gpu', value: 'true', effect: 'NoSchedule' as const },
  { key: 'spot', value: 'yes', effect: 'NoExecute' as const },
  { key: 'slow', value: 'x', effect: 'PreferNoSchedule' as const },
];

/** Namespaces pods live in, with the labels that namespaceSelector terms read. */
const namespaces = [makeNamespace('ns-x', { team: 'x' }), makeNamespace('ns-y', { team: 'y' }), makeNamespace('plain')];
const namespaceLabels = new Map(namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
/** Which namespaces an anti-affinity term looks in: its own (nil selector), or by label. */
const scopes: Record<string, LabelSelector | undefined> = {
  own: undefined,
  all: {},
  teamX: { matchLabels: { team: 'x' } },
  notTeamY: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['y'] }] },
};

const nodeArb = fc.record({
  cpu: fc.integer({ min: 1, max: 8 }),
  memGi: fc.integer({ min: 1, max: 16 }),
  pods: fc.integer({ min: 1, max: 10 }),
  zone: fc.constantFrom(...zones),
  taint: fc.option(fc.constantFrom(...taints), { nil: undefined }),
});

const podArb = fc.record({
  milliCpu: fc.integer({ min: 0, max: 4000 }),
  memMi: fc.integer({ min: 0, max: 8192 }),
  app: fc.constantFrom('a', 'b', 'c'),
  namespace: fc.constantFrom(...namespaces.map((n) => n.metadata.name)),
  antiAffinity: fc.option(
    fc.record({
      app: fc.constantFrom('a', 'b', 'c'),
      key: fc.constantFrom('kubernetes.io/hostname', 'zone'),
      scope: fc.constantFrom(...Object.keys(scopes)),
    }),
    { nil: undefined },
  ),
  tolerate: fc.option(fc.constantFrom('gpu', 'spot', '*'), { nil: undefined }),
  priority: fc.integer({ min: 0, max: 3 }),
});

type NodeSpec = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;
type PodSpec = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

const buildNodes = (specs: NodeSpec[]): Node[] =>
  specs.map((s, i) => {
    const b = makeNode(`n${i}`)
      .capacity({ cpu: String(s.cpu), memory: `${s.memGi}Gi`, pods: s.pods })
      .labels({ zone: s.zone });
    if (s.taint) b.taint(s.taint);
    return b.obj();
  });

const buildPods = (specs: PodSpec[], spread?: number): Pod[] =>
  specs.map((s, i) => {
    const b = makePod(`p${i}`, s.namespace)
      .req({ cpu: `${s.milliCpu}m`, memory: `${s.memMi}Mi` })
      .labels({ app: s.app })
      .priority(s.priority);
    if (s.antiAffinity) {
      b.podAffinity('podAntiAffinity', {
        labelSelector: { matchLabels: { app: s.antiAffinity.app } },
        namespaceSelector: scopes[s.antiAffinity.scope],
        topologyKey: s.antiAffinity.key,
      });
    }
    if (s.tolerate) b.tolerate(s.tolerate === '*' ? { operator: 'Exists' } : { key: s.tolerate, operator: 'Exists' });
    if (spread !== undefined && s.app === 'a') {
      b.spread({
        maxSkew: spread,
        topologyKey: 'zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'a' } },
      });
    }
    return b.obj();
  });

/** Every invariant a placement must keep, checked on the final assignment. */
function checkPlacements(nodes: Node[], placed: { pod: Pod; node: string }[]) {
  const byNode = new Map(nodes.map((n) => [n.metadata.name, n]));
  const domain = (nodeName: string, key: string) => byNode.get(nodeName)!.metadata.labels![key];
  for (const n of nodes) {
    const here = placed.filter((p) => p.node === n.metadata.name);
    const cpu = here.reduce((s, p) => s + parseMilli(p.pod.spec.containers[0].resources!.requests!.cpu!), 0);
    const mem = here.reduce((s, p) => s + parseValue(p.pod.spec.containers[0].resources!.requests!.memory!), 0);
    expect(cpu).toBeLessThanOrEqual(parseMilli(n.status!.allocatable!.cpu!));
    expect(mem).toBeLessThanOrEqual(parseValue(n.status!.allocatable!.memory!));
    expect(here.length).toBeLessThanOrEqual(parseValue(n.status!.allocatable!.pods!));
  }
  for (const p of placed) {
    const node = byNode.get(p.node)!;
    for (const taint of node.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule') continue;
      expect((p.pod.spec.tolerations ?? []).some((t) => toleratesTaint(t, taint))).toBe(true);
    }
    for (const term of p.pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
      const want = term.labelSelector!.matchLabels!.app;
      const inScope = (q: Pod) =>
        term.namespaceSelector
          ? compileLabelSelector(term.namespaceSelector).matches(namespaceLabels.get(q.metadata.namespace!))
          : q.metadata.namespace === p.pod.metadata.namespace;
      const clash = placed.find(
        (q) =>
          q !== p &&
          q.pod.metadata.labels?.app === want &&
          inScope(q.pod) &&
          domain(q.node, term.topologyKey) === domain(p.node, term.topologyKey),
      );
      expect(
        clash,
        `${p.pod.metadata.name} on ${p.node} has anti-affinity to app=${want} by ${term.topologyKey} in ${JSON.stringify(term.namespaceSelector)}`,
      ).toBeUndefined();
    }
  }
}

describe('scheduling invariants (property-based)', () => {
  it('simulate never overcommits, never ignores a taint, never breaks required anti-affinity', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(nodeArb, { minLength: 1, maxLength: 8 }),
        fc.array(podArb, { maxLength: 30 }),
        fc.integer(),
        async (ns, ps, seed) => {
          const nodes = buildNodes(ns);
          const r = await simulate({ nodes, pods: buildPods(ps), namespaces, seed });
          const evicted = new Set(r.evictions.map((e) => e.pod.metadata.name));
          expect(r.placements.length + r.unschedulable.length + evicted.size).toBeGreaterThanOrEqual(ps.length);
          checkPlacements(nodes, r.placements);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('simulate never exceeds maxSkew of a DoNotSchedule topology spread', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          nodeArb.map((n) => ({ ...n, taint: undefined })),
          { minLength: 3, maxLength: 9 },
        ),
        fc.array(
          podArb.map((p) => ({ ...p, namespace: 'plain', antiAffinity: undefined, priority: 0 })),
          { maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 3 }),
        async (ns, ps, maxSkew) => {
          const nodes = buildNodes(ns);
          const r = await simulate({ nodes, pods: buildPods(ps, maxSkew), seed: 1 });
          const zoneOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels!.zone]));
          const counts = new Map([...new Set(zoneOf.values())].map((z) => [z, 0]));
          for (const p of r.placements) {
            if (p.pod.metadata.labels?.app === 'a')
              counts.set(zoneOf.get(p.node)!, counts.get(zoneOf.get(p.node)!)! + 1);
          }
          expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(maxSkew);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the Api-connected Scheduler, with bindings in flight concurrently, keeps the same invariants', async () => {
    let boundTotal = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(nodeArb, { minLength: 1, maxLength: 6 }),
        fc.array(podArb, { minLength: 1, maxLength: 25 }),
        async (ns, ps) => {
          const clock = new FakeClock();
          const api = new Api({ store: new MemoryStore(), clock });
          const informers = new InformerFactory(api, { clock });
          // Preemption is left out: its victims would wait for a node agent to delete them.
          const scheduler = new Scheduler({
            api,
            informers,
            clock,
            seed: 1,
            profiles: [defaultProfile({ disabled: ['DefaultPreemption'] })],
          });
          const nodes = buildNodes(ns);
          for (const n of nodes) await api.resource('Node').create(n);
          for (const n of namespaces) await api.resource('Namespace').create(n);
          const abort = new AbortController();
          const running = scheduler.run(abort.signal);
          for (const v of [0, 1, 2, 3]) await api.resource('PriorityClass').create(priorityClass(v));
          await Promise.all(buildPods(ps).map((p) => api.resource('Pod').create(viaPriorityClass(p))));
          for (let i = 0; i < 50; i++) await clock.flush();
          const pods = (await api.resource('Pod').list()).items;
          abort.abort();
          await running;
          await api.close();
          const bound = pods.filter((p) => p.spec.nodeName);
          boundTotal += bound.length;
          checkPlacements(
            nodes,
            bound.map((p) => ({ pod: p, node: p.spec.nodeName! })),
          );
        },
      ),
      { numRuns: 25 },
    );
    // The property is not vacuous: across the runs, the scheduler did bind pods.
    expect(boundTotal).toBeGreaterThan(0);
  });
});
