import { InvalidError, type KubeObject, type Pod, type TopologySpreadConstraint } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../src/plugins/default-plugins.js';
import { defaultSpreadSelector, type WorkloadLister } from '../../src/plugins/pod-topology-spread/default-selector.js';
import { simulate } from '../../src/simulate.js';
import { makeNode, makePod } from '../builders.js';
import { frameworkFor, scoreAll } from '../harness.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

function listerOf(objects: KubeObject[]): WorkloadLister {
  return {
    services: (ns) => objects.filter((o) => o.kind === 'Service' && (o.metadata.namespace ?? 'default') === ns),
    controller: (kind, ns, name) =>
      objects.find((o) => o.kind === kind && (o.metadata.namespace ?? 'default') === ns && o.metadata.name === name),
  };
}
const service = (name: string, selector: Record<string, string> | undefined, namespace = 'default'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector } }) as KubeObject;
const replicaSet = (name: string, selector: object): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: { selector },
  }) as KubeObject;
const ownedBy = (pod: Pod, kind: string, name: string, apiVersion = 'apps/v1'): Pod => ({
  ...pod,
  metadata: { ...pod.metadata, ownerReferences: [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }] },
});

// Upstream: kubernetes/kubernetes pkg/scheduler/framework/plugins/helper/spread_test.go (TestGetPodServices),
// with DefaultSelector's merging of Services and the controller (helper/spread.go).
describe('defaultSpreadSelector (kube-scheduler DefaultSelector)', () => {
  const services = [0, 1, 2].map((i) => service(`service-${i}`, { app: `test-${i}` }, 'test'));
  const table = [0, 1, 2, 3, 4].map((i) => ({
    name: `pod-${i}`,
    labels: { app: `test-${i}`, label: `label-${i}` },
    want: i < 3 ? { matchLabels: { app: `test-${i}` } } : undefined,
  }));
  it.each(table)('GetPodServices for $name', ({ labels, want }) => {
    const pod = makePod('p', 'test').labels(labels).obj();
    expect(defaultSpreadSelector(pod, listerOf(services))).toEqual(want);
  });

  it.each([
    {
      name: 'a Service without selector selects nothing (not everything)',
      objects: [service('none', undefined)],
      owner: undefined,
      want: undefined,
    },
    {
      name: 'a Service in another namespace does not count',
      objects: [service('web', { app: 'web' }, 'other')],
      owner: undefined,
      want: undefined,
    },
    {
      name: 'Service and ReplicaSet selectors are ANDed',
      objects: [service('web', { app: 'web' }), replicaSet('rs1', { matchLabels: { hash: 'h1' } })],
      owner: ['ReplicaSet', 'rs1'],
      want: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'hash', operator: 'In', values: ['h1'] }] },
    },
    {
      name: 'a ReplicaSet owner named through the wrong apiVersion is not followed',
      objects: [replicaSet('rs1', { matchLabels: { hash: 'h1' } })],
      owner: ['ReplicaSet', 'rs1', 'extensions/v1beta1'],
      want: undefined,
    },
    {
      name: 'a missing controller adds nothing',
      objects: [],
      owner: ['ReplicaSet', 'gone'],
      want: undefined,
    },
  ])('$name', ({ objects, owner, want }) => {
    let pod = makePod('p').labels({ app: 'web', hash: 'h1' }).obj();
    if (owner) pod = ownedBy(pod, owner[0], owner[1], owner[2]);
    expect(defaultSpreadSelector(pod, listerOf(objects))).toEqual(want);
  });

  it('matches the Services once per pod label set while the lister hands back the same list', () => {
    // The envelope's 10,000 Services were matched against every pod; its pods share one label set per workload.
    let specReads = 0;
    const counted = (name: string, selector: Record<string, string>): KubeObject => {
      const svc = service(name, selector) as KubeObject & { spec: unknown };
      const spec = svc.spec;
      return Object.defineProperty(svc, 'spec', {
        get: () => {
          specReads++;
          return spec;
        },
      });
    };
    const services = [counted('web', { app: 'web' }), counted('db', { app: 'db' })];
    const lister: WorkloadLister = { services: () => services, controller: () => undefined };
    const web = (name: string) => makePod(name).labels({ app: 'web' }).obj();
    for (const name of ['a', 'b', 'c'])
      expect(defaultSpreadSelector(web(name), lister)).toEqual({ matchLabels: { app: 'web' } });
    expect(specReads).toBe(services.length);
    // A changed Service list (a new array) is matched afresh.
    services.push(service('web-too', { tier: 'x' }), service('web-all', { app: 'web' }));
    const changed = [...services];
    expect(defaultSpreadSelector(web('d'), { ...lister, services: () => changed })).toEqual({
      matchLabels: { app: 'web' },
    });
    expect(specReads).toBe(4);
  });
});

type NodeRow = [name: string, labels: Record<string, string>];
interface ScoreCase {
  name: string;
  /** Labels of the incoming pod. */
  labels: Record<string, string>;
  /** [maxSkew, topologyKey, selector labels]; empty: the pod declares none (defaulting applies). */
  constraints: [number, string, Record<string, string>][];
  /** Existing pods: [node, labels]. */
  existing: [string, Record<string, string>][];
  nodes: NodeRow[];
  failedNodes?: NodeRow[];
  objects?: KubeObject[];
  want: Record<string, number>;
}
const foo = { foo: '' };
const bar = { bar: '' };
const pods = (node: string, n: number, labels = foo): [string, Record<string, string>][] =>
  Array.from({ length: n }, () => [node, labels]);
const hostNodes = (...names: string[]): NodeRow[] => names.map((n) => [n, { [HOST]: n }]);

// Upstream: kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go
// (TestPodTopologySpreadScore), as data. "foo"/"bar" selectors are `foo Exists` / `bar Exists` there;
// here matchLabels with the empty value the pods carry, which selects the same pods.
const scoreCases: ScoreCase[] = [
  {
    name: 'one constraint on node, all 4 nodes are candidates',
    labels: foo,
    constraints: [[1, HOST, foo]],
    existing: [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-d', 3)],
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    want: { 'node-a': 20, 'node-b': 60, 'node-c': 100, 'node-d': 0 },
  },
  {
    name: 'one constraint on node, all 4 nodes are candidates, maxSkew=2',
    labels: foo,
    constraints: [[2, HOST, foo]],
    existing: [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-d', 3)],
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    want: { 'node-a': 33, 'node-b': 66, 'node-c': 100, 'node-d': 16 },
  },
  {
    name: 'one constraint on node, all 4 nodes are candidates, maxSkew=3',
    labels: foo,
    constraints: [[3, HOST, foo]],
    existing: [...pods('node-a', 4), ...pods('node-b', 3), ...pods('node-c', 2), ...pods('node-d', 1)],
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
  },
  {
    name: "system defaulting, nodes don't have zone, pods match service",
    labels: foo,
    constraints: [],
    existing: [...pods('node-a', 4), ...pods('node-b', 3), ...pods('node-c', 2), ...pods('node-d', 1)],
    nodes: hostNodes('node-a', 'node-b', 'node-c', 'node-d'),
    objects: [service('svc', foo)],
    want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
  },
  {
    name: 'one constraint on node, 3 out of 4 nodes are candidates',
    labels: foo,
    constraints: [[1, HOST, foo]],
    existing: [...pods('node-a', 4), ...pods('node-b', 2), ...pods('node-x', 1), ...pods('node-y', 3)],
    nodes: hostNodes('node-a', 'node-b', 'node-x'),
    failedNodes: hostNodes('node-y'),
    want: { 'node-a': 33, 'node-b': 83, 'node-x': 100 },
  },
  {
    name: "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key",
    labels: foo,
    constraints: [[1, HOST, foo]],
    existing: [...pods('node-a', 4), ...pods('node-b', 2), ...pods('node-x', 1), ...pods('node-y', 3)],
    nodes: [
      ['node-a', { [HOST]: 'node-a' }],
      ['node-b', { n: 'node-b' }],
      ['node-x', { [HOST]: 'node-x' }],
    ],
    failedNodes: hostNodes('node-y'),
    want: { 'node-a': 16, 'node-b': 0, 'node-x': 100 },
  },
  {
    name: 'one constraint on zone, 3 out of 4 nodes are candidates',
    labels: foo,
    constraints: [[1, 'zone', foo]],
    existing: [...pods('node-a', 4), ...pods('node-b', 2), ...pods('node-x', 1), ...pods('node-y', 3)],
    nodes: [
      ['node-a', { zone: 'zone1', [HOST]: 'node-a' }],
      ['node-b', { zone: 'zone1', [HOST]: 'node-b' }],
      ['node-x', { zone: 'zone2', [HOST]: 'node-x' }],
    ],
    failedNodes: [['node-y', { zone: 'zone2', [HOST]: 'node-y' }]],
    want: { 'node-a': 75, 'node-b': 75, 'node-x': 100 },
  },
  {
    name: 'two Constraints on zone and node, 2 out of 4 nodes are candidates',
    labels: foo,
    constraints: [
      [1, 'zone', foo],
      [1, HOST, foo],
    ],
    existing: [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-x', 2), ...pods('node-y', 4)],
    nodes: [
      ['node-a', { zone: 'zone1', [HOST]: 'node-a' }],
      ['node-x', { zone: 'zone2', [HOST]: 'node-x' }],
    ],
    failedNodes: [
      ['node-b', { zone: 'zone1', [HOST]: 'node-b' }],
      ['node-y', { zone: 'zone2', [HOST]: 'node-y' }],
    ],
    want: { 'node-a': 100, 'node-x': 63 },
  },
  {
    name: 'two Constraints on zone, 2 out of 4 nodes are candidates',
    labels: { ...foo, ...bar },
    constraints: [
      [1, 'zone', foo],
      [1, 'zone', bar],
    ],
    existing: [
      ['node-a', { ...foo, ...bar }],
      ['node-a', foo],
      ['node-b', { ...foo, ...bar }],
      ['node-y', foo],
      ['node-y', { ...foo, ...bar }],
      ['node-y', foo],
    ],
    nodes: [
      ['node-a', { zone: 'zone1' }],
      ['node-x', { zone: 'zone2' }],
    ],
    failedNodes: [
      ['node-b', { zone: 'zone1' }],
      ['node-y', { zone: 'zone2' }],
    ],
    want: { 'node-a': 85, 'node-x': 100 },
  },
];

describe('PodTopologySpread scoring (upstream table)', () => {
  it.each(scoreCases)('$name', (c) => {
    // Exactly the upstream labels (the builder would add a hostname label).
    const nodes = [...c.nodes, ...(c.failedNodes ?? [])].map(([n, l]) => {
      const node = makeNode(n).obj();
      node.metadata.labels = l;
      return node;
    });
    const existing = c.existing.map(([node, labels], i) => makePod(`p-${i}`).labels(labels).node(node).obj());
    const { fwk, snapshot } = frameworkFor(
      [{ name: 'PodTopologySpread' }],
      nodes,
      existing,
      [],
      listerOf(c.objects ?? []),
    );
    let pod = makePod('p').labels(c.labels);
    for (const [maxSkew, topologyKey, sel] of c.constraints) {
      const tsc: TopologySpreadConstraint = {
        maxSkew,
        topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: sel },
      };
      pod = pod.spread(tsc);
    }
    expect(
      scoreAll(
        fwk,
        snapshot,
        pod.obj(),
        c.nodes.map(([n]) => n),
      ),
    ).toEqual(c.want);
  });
});

describe('PodTopologySpread defaulting', () => {
  // Upstream: scoring_test.go TestPreScoreStateEmptyNodes "system default constraints and a replicaset":
  // nodes without a zone label are not ignored with System defaulting; they spread by hostname.
  it('System (the default) spreads a ReplicaSet pod by hostname on nodes without zone labels', () => {
    const nodes = [
      makeNode('node-a')
        .labels({ [HOST]: 'node-a', [ZONE]: 'mars' })
        .obj(),
      makeNode('node-b')
        .labels({ [HOST]: 'node-b', [ZONE]: 'mars' })
        .obj(),
      makeNode('node-c')
        .labels({ [HOST]: 'node-c' })
        .obj(),
      makeNode('node-d')
        .labels({ [HOST]: 'node-d' })
        .obj(),
    ];
    const rs = replicaSet('rs1', { matchLabels: { foo: 'tar' } });
    const mine = (name: string, node: string) =>
      ownedBy(makePod(name).labels({ foo: 'tar' }).node(node).obj(), 'ReplicaSet', 'rs1');
    const { fwk, snapshot } = frameworkFor(
      [{ name: 'PodTopologySpread' }],
      nodes,
      [mine('x1', 'node-a'), mine('x2', 'node-c')],
      [],
      listerOf([rs]),
    );
    const pod = ownedBy(makePod('p').labels({ foo: 'tar', baz: 'sup' }).obj(), 'ReplicaSet', 'rs1');
    const scores = scoreAll(fwk, snapshot, pod);
    // Empty nodes beat occupied ones; node-b (zone mars holds one pod) scores below node-d (no zone).
    expect(scores['node-d']).toBe(100);
    expect(scores['node-b']).toBeLessThan(scores['node-d']);
    expect(scores['node-a']).toBeLessThan(scores['node-b']);
    expect(scores['node-c']).toBeLessThan(scores['node-d']);
  });

  it('List defaulting with no constraints spreads nothing; a pod selected by nothing is never defaulted', () => {
    const nodes = [
      makeNode('a')
        .labels({ [HOST]: 'a' })
        .obj(),
      makeNode('b')
        .labels({ [HOST]: 'b' })
        .obj(),
    ];
    const existing = [makePod('x').labels(foo).node('a').obj()];
    const list = frameworkFor(
      [{ name: 'PodTopologySpread', args: { defaultingType: 'List' } }],
      nodes,
      existing,
      [],
      listerOf([service('svc', foo)]),
    );
    expect(scoreAll(list.fwk, list.snapshot, makePod('p').labels(foo).obj())).toEqual({ a: 0, b: 0 });
    const system = frameworkFor([{ name: 'PodTopologySpread' }], nodes, existing);
    expect(scoreAll(system.fwk, system.snapshot, makePod('p').labels(foo).obj())).toEqual({ a: 0, b: 0 });
  });

  it.each([
    {
      args: {
        defaultingType: 'System',
        defaultConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
      },
      field: 'plugins[0].args.defaultConstraints',
    },
    { args: { defaultingType: 'Sometimes' }, field: 'plugins[0].args.defaultingType' },
    {
      args: {
        defaultingType: 'List',
        defaultConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
      },
      field: 'plugins[0].args.defaultConstraints[0].maxSkew',
    },
  ])('refuses args with $field', ({ args, field }) => {
    const build = () => frameworkFor([{ name: 'PodTopologySpread', args }], []);
    expect(build).toThrow(InvalidError);
    try {
      build();
    } catch (err) {
      expect((err as InvalidError).fields.map((f) => f.field)).toEqual([field]);
    }
  });

  it('simulate(): a 3-replica ReplicaSet on three empty nodes lands one pod per node', async () => {
    const nodes = ['n1', 'n2', 'n3'].map((n) =>
      makeNode(n)
        .labels({ [HOST]: n })
        .capacity({ cpu: '4', memory: '8Gi', pods: '110' })
        .obj(),
    );
    const rs = replicaSet('web', { matchLabels: { app: 'web' } });
    const replicas = [0, 1, 2].map((i) =>
      ownedBy(
        makePod(`web-${i}`).labels({ app: 'web' }).req({ cpu: '100m', memory: '64Mi' }).obj(),
        'ReplicaSet',
        'web',
      ),
    );
    const spread = await simulate({ nodes, pods: replicas, workloads: [rs], seed: 7 });
    expect(new Set(spread.placements.map((p) => p.node)).size).toBe(3);
    expect(defaultProfile().plugins.find((p) => p.name === 'PodTopologySpread')?.args).toBeUndefined();
  });
});
