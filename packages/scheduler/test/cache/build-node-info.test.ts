import { describe, expect, it } from 'vitest';
import type { FilterPlugin } from '../../src/framework/plugin.js';
import { buildNodeInfo, CycleState, insufficientResources, PodInfo, podRequests, Status } from '../../src/index.js';
import { makeNode, makePod } from '../builders.js';
import { brief, filterAll, frameworkFor } from '../harness.js';

const node = makeNode('n1')
  .capacity({ cpu: '2', memory: '4Gi', pods: 10 })
  .images({ names: ['web:1'], sizeBytes: 300 * 1024 * 1024 })
  .obj();
const running = [makePod('a').req({ cpu: '1', memory: '1Gi' }).node('n1').obj(), makePod('b').node('n1').obj()];

describe('buildNodeInfo (public, for calling plugins directly)', () => {
  it('sums what the scheduler cache sums for the same node and pods', () => {
    const info = buildNodeInfo(node, running);
    const { snapshot } = frameworkFor([], [node], running);
    const cached = snapshot.nodeInfoList[0];
    expect(info.requested).toEqual(cached.requested);
    expect([info.nonZeroMilliCPU, info.nonZeroMemory]).toEqual([cached.nonZeroMilliCPU, cached.nonZeroMemory]);
    expect(info.allocatable).toEqual(cached.allocatable);
    expect(info.pods.map((p) => p.key)).toEqual(['default/a', 'default/b']);
    expect(info.imageStates.get('web:1')).toEqual({ sizeBytes: 300 * 1024 * 1024, numNodes: 1 });
  });

  it('lets a plugin author call a Filter with the fit helpers', () => {
    const fits: FilterPlugin = {
      name: 'FitsByHand',
      filter: (_state, pod, nodeInfo) => {
        const missing = insufficientResources(pod, nodeInfo);
        return missing.length ? Status.unschedulable(...missing.map((m) => m.reason)) : Status.success();
      },
    };
    const info = buildNodeInfo(node, running);
    const small = new PodInfo(makePod('small').req({ cpu: '500m' }).obj());
    const big = new PodInfo(makePod('big').req({ cpu: '1500m', memory: '4Gi' }).obj());
    expect(fits.filter(new CycleState(), small, info).isSuccess()).toBe(true);
    expect(fits.filter(new CycleState(), big, info).reasons).toEqual(['Insufficient cpu', 'Insufficient memory']);
    expect(podRequests(big.pod).requests.milliCPU).toBe(1500);
    // The same node through the default NodeResourcesFit gives the same verdicts.
    const { fwk, snapshot } = frameworkFor([{ name: 'NodeResourcesFit' }], [node], running);
    expect(brief(filterAll(fwk, snapshot, small.pod).get('n1'))).toBe('Success');
    expect(brief(filterAll(fwk, snapshot, big.pod).get('n1'))).toBe(
      'Unschedulable: Insufficient cpu, Insufficient memory',
    );
  });
});
