import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../builders.js';
import { brief, filterAll, frameworkFor, scoreAll } from '../harness.js';

const node = (name: string, pods = 110) =>
  makeNode(name).capacity({ cpu: '4', memory: '8Gi', pods, 'example.com/gpu': 2 }).obj();
const existing = makePod('existing').req({ cpu: '1', memory: '2Gi' }).node('n').obj();

describe('NodeResourcesFit filter', () => {
  it.each([
    { name: 'fits in what is left', pod: makePod('p').req({ cpu: '3', memory: '6Gi' }), want: 'Success' },
    { name: 'too much cpu', pod: makePod('p').req({ cpu: '3100m' }), want: 'Unschedulable: Insufficient cpu' },
    { name: 'too much memory', pod: makePod('p').req({ memory: '7Gi' }), want: 'Unschedulable: Insufficient memory' },
    {
      name: 'every missing resource is listed',
      pod: makePod('p').req({ cpu: '4', memory: '7Gi' }),
      want: 'Unschedulable: Insufficient cpu, Insufficient memory',
    },
    { name: 'extended resource within allocatable', pod: makePod('p').req({ 'example.com/gpu': 2 }), want: 'Success' },
    {
      name: 'extended resource beyond allocatable',
      pod: makePod('p').req({ 'example.com/gpu': 3 }),
      want: 'Unschedulable: Insufficient example.com/gpu',
    },
    {
      name: 'the largest init container counts when larger than the app containers',
      pod: makePod('p').req({ cpu: '1' }).init({ cpu: '3100m' }),
      want: 'Unschedulable: Insufficient cpu',
    },
    {
      name: 'a sidecar init container adds to the app containers',
      pod: makePod('p').req({ cpu: '2' }).init({ cpu: '1100m' }, true),
      want: 'Unschedulable: Insufficient cpu',
    },
    { name: 'a pod without requests always fits resources', pod: makePod('p'), want: 'Success' },
  ])('$name', ({ pod, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeResourcesFit' }], [node('n')], [existing]);
    expect(brief(filterAll(fwk, snapshot, pod.obj()).get('n'))).toBe(want);
  });

  it('rejects a node whose pod count is at allocatable pods', () => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeResourcesFit' }], [node('n', 1)], [existing]);
    expect(brief(filterAll(fwk, snapshot, makePod('p').obj()).get('n'))).toBe('Unschedulable: Too many pods');
  });
});

describe('NodeResourcesFit score', () => {
  const nodes = [node('n'), makeNode('empty').capacity({ cpu: '4', memory: '8Gi', pods: 110 }).obj()];
  const pod = makePod('p').req({ cpu: '1', memory: '2Gi' }).obj();

  it.each([
    // n: cpu (1+1)/4 used, memory (2+2)/8 used; empty: 1/4 and 2/8.
    { strategy: { type: 'LeastAllocated' as const }, want: { n: 50, empty: 75 } },
    { strategy: { type: 'MostAllocated' as const }, want: { n: 50, empty: 25 } },
    {
      strategy: {
        type: 'RequestedToCapacityRatio' as const,
        shape: [
          { utilization: 0, score: 0 },
          { utilization: 100, score: 10 },
        ],
      },
      want: { n: 50, empty: 25 },
    },
    {
      strategy: {
        type: 'LeastAllocated' as const,
        resources: [
          { name: 'cpu', weight: 3 },
          { name: 'memory', weight: 1 },
        ],
      },
      want: { n: 50, empty: 75 },
    },
  ])('$strategy.type scores by requested / allocatable', ({ strategy, want }) => {
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeResourcesFit', args: { scoringStrategy: strategy } }], nodes, [
      existing,
    ]);
    expect(scoreAll(fwk, snapshot, pod)).toEqual(want);
  });

  it('counts pods without requests as 100m cpu and 200Mi memory when scoring', () => {
    const { fwk, snapshot } = frameworkFor(
      [{ name: 'NodeResourcesFit' }],
      [makeNode('n').capacity({ cpu: '1', memory: '1000Mi', pods: 10 }).obj()],
    );
    // cpu (1000-100)*100/1000 = 90, memory (1000-200)*100/1000 = 80 -> 85
    expect(scoreAll(fwk, snapshot, makePod('p').obj())).toEqual({ n: 85 });
  });
});
