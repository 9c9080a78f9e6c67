import { InvalidError } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import type { PluginConfig } from '../../src/framework/profile.js';
import { frameworkFor } from '../harness.js';

/** The field paths of the InvalidError that refusing `plugins` throws. */
function refusedFields(plugins: PluginConfig[]): string[] {
  try {
    frameworkFor(plugins, []);
  } catch (err) {
    if (err instanceof InvalidError) return err.fields.map((f) => f.field);
    throw err;
  }
  return [];
}

// kube-scheduler's profile and plugin args validation (pkg/scheduler/apis/config/validation): a bad
// weight or bad args refuse the whole profile, naming the field under the plugin's entry.
describe('profile validation', () => {
  it.each<[string, PluginConfig[], string[]]>([
    ['weight 0', [{ name: 'NodeAffinity', weight: 0 }], ['plugins[0].weight']],
    ['weight 101', [{ name: 'TaintToleration', weight: 101 }], ['plugins[0].weight']],
    ['weight 1.5', [{ name: 'TaintToleration', weight: 1.5 }], ['plugins[0].weight']],
    ['an unknown plugin', [{ name: 'NodeAffinity' }, { name: 'Nope' }], ['plugins[1].name']],
    [
      'InterPodAffinity hardPodAffinityWeight 101',
      [{ name: 'InterPodAffinity', args: { hardPodAffinityWeight: 101 } }],
      ['plugins[0].args.hardPodAffinityWeight'],
    ],
    [
      'DefaultPreemption percentage and absolute both 0',
      [{ name: 'DefaultPreemption', args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 } }],
      ['plugins[0].args.minCandidateNodesPercentage', 'plugins[0].args.minCandidateNodesAbsolute'],
    ],
    [
      'DefaultPreemption percentage 150',
      [{ name: 'DefaultPreemption', args: { minCandidateNodesPercentage: 150 } }],
      ['plugins[0].args.minCandidateNodesPercentage'],
    ],
    [
      'BalancedAllocation resource weight 0',
      [{ name: 'NodeResourcesBalancedAllocation', args: { resources: [{ name: 'cpu', weight: 0 }] } }],
      ['plugins[0].args.resources[0].weight'],
    ],
    [
      'NodeResourcesFit unknown strategy',
      [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Fastest' } } }],
      ['plugins[0].args.scoringStrategy.type'],
    ],
    [
      'RequestedToCapacityRatio without shape',
      [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'RequestedToCapacityRatio', shape: [] } } }],
      ['plugins[0].args.scoringStrategy.shape'],
    ],
    [
      'weights 1 and 100 are fine',
      [
        { name: 'NodeAffinity', weight: 1 },
        { name: 'TaintToleration', weight: 100 },
      ],
      [],
    ],
  ])('%s', (_name, plugins, fields) => {
    expect(refusedFields(plugins)).toEqual(fields);
  });
});
