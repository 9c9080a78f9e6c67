import { InvalidError, type Pod, type ResourceList } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import type { ResourceSpec } from '../../src/plugins/node-resources-fit/scoring-strategy.js';
import { makeNode, makePod } from '../builders.js';
import { frameworkFor, scoreAll } from '../harness.js';

interface Case {
  name: string;
  /** The incoming pod: one request list per container (none: a pod without containers, as upstream's bare MakePod). */
  pod: ResourceList[];
  nodes: [string, ResourceList][];
  /** Existing pods: [node, requests]; `undefined`: a pod without containers. */
  existing?: [string, ResourceList | undefined][];
  resources?: ResourceSpec[];
  want?: Record<string, number>;
  /** The args are refused with this field. */
  wantErr?: string;
}

const EXT = 'example.com/foo';
const cpuMem = (cpu: string, memory: string): ResourceList => ({ cpu, memory });
const defaultResources: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];
const extendedResourceSet: ResourceSpec[] = [...defaultResources, { name: EXT, weight: 1 }];
const twoContainers = [cpuMem('1000', '2000'), cpuMem('2000', '3000')];

// Upstream: kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go
// (TestLeastAllocatedScoringStrategy), as data. Left out: "Resources not set, pods scheduled with error"
// (an empty resource list here means the default cpu and memory, as kube-scheduler's config defaulting gives).
const cases: Case[] = [
  {
    name: 'nothing scheduled, nothing requested',
    pod: [],
    nodes: [
      ['node1', cpuMem('4000', '10000')],
      ['node2', cpuMem('4000', '10000')],
    ],
    want: { node1: 100, node2: 100 },
  },
  {
    name: 'nothing scheduled, resources requested, differently sized nodes',
    pod: twoContainers,
    nodes: [
      ['node1', cpuMem('4000', '10000')],
      ['node2', cpuMem('6000', '10000')],
    ],
    want: { node1: 37, node2: 50 },
  },
  {
    name: 'no resources requested, pods scheduled',
    pod: [],
    nodes: [
      ['node1', cpuMem('4000', '10000')],
      ['node2', cpuMem('4000', '10000')],
    ],
    existing: [
      ['node1', undefined],
      ['node1', undefined],
      ['node2', undefined],
      ['node2', undefined],
    ],
    want: { node1: 100, node2: 100 },
  },
  {
    name: 'no resources requested, pods scheduled with resources',
    pod: [],
    nodes: [
      ['node1', cpuMem('10000', '20000')],
      ['node2', cpuMem('10000', '20000')],
    ],
    existing: [
      ['node1', cpuMem('3000', '0')],
      ['node1', cpuMem('3000', '0')],
      ['node2', cpuMem('3000', '0')],
      ['node2', cpuMem('3000', '5000')],
    ],
    want: { node1: 70, node2: 57 },
  },
  {
    name: 'resources requested, pods scheduled with resources',
    pod: twoContainers,
    nodes: [
      ['node1', cpuMem('10000', '20000')],
      ['node2', cpuMem('10000', '20000')],
    ],
    existing: [
      ['node1', cpuMem('3000', '0')],
      ['node2', cpuMem('3000', '5000')],
    ],
    want: { node1: 57, node2: 45 },
  },
  {
    name: 'resources requested, pods scheduled with resources, differently sized nodes',
    pod: twoContainers,
    nodes: [
      ['node1', cpuMem('10000', '20000')],
      ['node2', cpuMem('10000', '50000')],
    ],
    existing: [
      ['node1', cpuMem('3000', '0')],
      ['node2', cpuMem('3000', '5000')],
    ],
    want: { node1: 57, node2: 60 },
  },
  {
    name: 'requested resources exceed node capacity',
    pod: [cpuMem('3000', '0')],
    nodes: [
      ['node1', cpuMem('4000', '10000')],
      ['node2', cpuMem('4000', '10000')],
    ],
    existing: [
      ['node1', cpuMem('3000', '0')],
      ['node2', cpuMem('3000', '5000')],
    ],
    want: { node1: 50, node2: 25 },
  },
  {
    name: 'zero node resources, pods scheduled with resources',
    pod: [],
    nodes: [
      ['node1', {}],
      ['node2', {}],
    ],
    existing: [
      ['node1', cpuMem('3000', '0')],
      ['node2', cpuMem('3000', '5000')],
    ],
    want: { node1: 0, node2: 0 },
  },
  {
    name: 'nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes',
    pod: twoContainers,
    nodes: [
      ['node1', cpuMem('4000', '10000')],
      ['node2', cpuMem('6000', '10000')],
    ],
    resources: [
      { name: 'memory', weight: 2 },
      { name: 'cpu', weight: 1 },
    ],
    want: { node1: 41, node2: 50 },
  },
  {
    name: 'resource with negative weight',
    pod: twoContainers,
    nodes: [['node1', cpuMem('4000', '10000')]],
    resources: [
      { name: 'memory', weight: -1 },
      { name: 'cpu', weight: 1 },
    ],
    wantErr: 'scoringStrategy.resources[0].weight',
  },
  {
    name: 'resource with zero weight',
    pod: twoContainers,
    nodes: [['node1', cpuMem('4000', '10000')]],
    resources: [
      { name: 'memory', weight: 1 },
      { name: 'cpu', weight: 0 },
    ],
    wantErr: 'scoringStrategy.resources[1].weight',
  },
  {
    name: 'resource weight larger than MaxNodeScore',
    pod: twoContainers,
    nodes: [['node1', cpuMem('4000', '10000')]],
    resources: [
      { name: 'memory', weight: 1 },
      { name: 'cpu', weight: 101 },
    ],
    wantErr: 'scoringStrategy.resources[1].weight',
  },
  {
    name: 'bypass extended resource if the pod does not request',
    pod: twoContainers,
    nodes: [
      ['node1', cpuMem('6000', '10000')],
      ['node2', { ...cpuMem('6000', '10000'), [EXT]: '4' }],
    ],
    resources: extendedResourceSet,
    want: { node1: 50, node2: 50 },
  },
  {
    name: 'honor extended resource if the pod requests',
    pod: [{ ...cpuMem('3000', '5000'), [EXT]: '2' }],
    nodes: [
      ['node1', { ...cpuMem('6000', '10000'), [EXT]: '4' }],
      ['node2', { ...cpuMem('6000', '10000'), [EXT]: '10' }],
    ],
    resources: extendedResourceSet,
    want: { node1: 50, node2: 60 },
  },
  {
    name: "if the node doesn't have a resource",
    pod: [cpuMem('3000', '4000')],
    nodes: [
      ['node1', cpuMem('6000', '10000')],
      ['node2', { ...cpuMem('6000', '10000'), [EXT]: '4' }],
    ],
    resources: [
      { name: EXT, weight: 2 },
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ],
    want: { node1: 55, node2: 55 },
  },
];

/** The pod with one container per request list (no container for an empty list of lists). */
function withContainers(b: ReturnType<typeof makePod>, requests: ResourceList[]): Pod {
  const [first, ...rest] = requests;
  if (!first) {
    const pod = b.obj();
    pod.spec.containers = [];
    return pod;
  }
  let built = b.req(first);
  for (const r of rest) built = built.container2(r);
  return built.obj();
}

describe('NodeResourcesFit LeastAllocated (upstream table)', () => {
  it.each(cases)('$name', (c) => {
    const nodes = c.nodes.map(([name, capacity]) => makeNode(name).capacity(capacity).obj());
    const existing = (c.existing ?? []).map(([node, req], i) =>
      withContainers(makePod(`e${i}`).node(node), req ? [req] : []),
    );
    const args = { scoringStrategy: { type: 'LeastAllocated' as const, resources: c.resources ?? defaultResources } };
    const build = () => frameworkFor([{ name: 'NodeResourcesFit', args }], nodes, existing);
    if (c.wantErr) {
      expect(build).toThrow(InvalidError);
      expect(() => build()).toThrow(`plugins[0].args.${c.wantErr}`);
      return;
    }
    const { fwk, snapshot } = build();
    expect(scoreAll(fwk, snapshot, withContainers(makePod('p'), c.pod))).toEqual(c.want);
  });
});
