import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Node,
  type NodeSelectorRequirement,
  type NodeSelectorTerm,
  nodeSelectorTermMatches,
  nodeSelectorTermsMatch,
  type PodSpec,
  podNodeSelectorMatches,
} from '../../src/index.js';

function node(name: string, labels?: Record<string, string>): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } };
}

const n1 = node('n1', { zone: 'a', disk: 'ssd', cores: '8', odd: '12abc' });

describe('nodeSelectorTermMatches: one expression on node n1 {zone=a, disk=ssd, cores=8, odd=12abc}', () => {
  it.each<{ expr: NodeSelectorRequirement; want: boolean }>([
    { expr: { key: 'zone', operator: 'In', values: ['a', 'b'] }, want: true },
    { expr: { key: 'zone', operator: 'In', values: ['b'] }, want: false },
    { expr: { key: 'gpu', operator: 'In', values: ['a'] }, want: false },
    { expr: { key: 'zone', operator: 'NotIn', values: ['b'] }, want: true },
    { expr: { key: 'zone', operator: 'NotIn', values: ['a'] }, want: false },
    { expr: { key: 'gpu', operator: 'NotIn', values: ['a'] }, want: true },
    { expr: { key: 'disk', operator: 'Exists' }, want: true },
    { expr: { key: 'gpu', operator: 'Exists' }, want: false },
    { expr: { key: 'disk', operator: 'DoesNotExist' }, want: false },
    { expr: { key: 'gpu', operator: 'DoesNotExist' }, want: true },
    { expr: { key: 'cores', operator: 'Gt', values: ['4'] }, want: true },
    { expr: { key: 'cores', operator: 'Gt', values: ['8'] }, want: false },
    { expr: { key: 'cores', operator: 'Lt', values: ['9'] }, want: true },
    { expr: { key: 'cores', operator: 'Lt', values: ['4'] }, want: false },
    { expr: { key: 'cores', operator: 'Gt', values: ['-1'] }, want: true },
    { expr: { key: 'gpu', operator: 'Gt', values: ['0'] }, want: false },
    { expr: { key: 'zone', operator: 'Gt', values: ['0'] }, want: false },
    { expr: { key: 'odd', operator: 'Gt', values: ['0'] }, want: false },
    { expr: { key: 'cores', operator: 'Gt', values: ['4x'] }, want: false },
    { expr: { key: 'cores', operator: 'Lt', values: ['+9'] }, want: true },
    { expr: { key: 'cores', operator: 'Gt', values: ['-'] }, want: false },
    { expr: { key: 'cores', operator: 'Gt', values: [''] }, want: false },
    { expr: { key: 'cores', operator: 'Gt', values: [] }, want: false },
    { expr: { key: 'cores', operator: 'Lt', values: ['9', '10'] }, want: false },
  ])('$expr.key $expr.operator $expr.values -> $want', ({ expr, want }) => {
    expect(nodeSelectorTermMatches({ matchExpressions: [expr] }, n1)).toBe(want);
  });

  it.each<{ field: NodeSelectorRequirement; want: boolean }>([
    { field: { key: 'metadata.name', operator: 'In', values: ['n1'] }, want: true },
    { field: { key: 'metadata.name', operator: 'In', values: ['n2'] }, want: false },
    { field: { key: 'metadata.name', operator: 'NotIn', values: ['n2'] }, want: true },
    { field: { key: 'metadata.namespace', operator: 'DoesNotExist' }, want: false },
  ])('matchFields $field.key $field.operator $field.values -> $want', ({ field, want }) => {
    expect(nodeSelectorTermMatches({ matchFields: [field] }, n1)).toBe(want);
  });

  it.each<{ name: string; term: NodeSelectorTerm; want: boolean }>([
    { name: 'an empty term matches nothing', term: {}, want: false },
    { name: 'empty lists match nothing', term: { matchExpressions: [], matchFields: [] }, want: false },
    {
      name: 'expressions are ANDed',
      term: {
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['a'] },
          { key: 'disk', operator: 'In', values: ['hdd'] },
        ],
      },
      want: false,
    },
    {
      name: 'expressions and fields are ANDed',
      term: {
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
        matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }],
      },
      want: false,
    },
  ])('$name', ({ term, want }) => {
    expect(nodeSelectorTermMatches(term, n1)).toBe(want);
  });

  it('treats a node without labels as having none', () => {
    expect(
      nodeSelectorTermMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, node('bare')),
    ).toBe(true);
  });
});

describe('nodeSelectorTermsMatch', () => {
  it.each<{ name: string; terms: NodeSelectorTerm[]; want: boolean }>([
    { name: 'no terms match nothing', terms: [], want: false },
    {
      name: 'terms are ORed',
      terms: [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] },
        { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] },
      ],
      want: true,
    },
    {
      name: 'an empty term among others is skipped',
      terms: [{}, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }],
      want: true,
    },
    {
      name: 'no term holds',
      terms: [{}, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }],
      want: false,
    },
  ])('$name', ({ terms, want }) => {
    expect(nodeSelectorTermsMatch(terms, n1)).toBe(want);
  });

  // Kubernetes (component-helpers nodeaffinity) drops a term whose requirement labels.NewRequirement refuses:
  // the term then matches no node, so NotIn with an invalid value does NOT hold on a node without the value.
  it.each<{ name: string; expr: NodeSelectorRequirement }>([
    { name: 'In with an invalid label value', expr: { key: 'zone', operator: 'In', values: ['a', 'not valid!'] } },
    { name: 'NotIn with an invalid label value', expr: { key: 'zone', operator: 'NotIn', values: ['b', '-bad-'] } },
    { name: 'In without values', expr: { key: 'zone', operator: 'In', values: [] } },
    { name: 'NotIn without values', expr: { key: 'zone', operator: 'NotIn' } },
    { name: 'Exists with values', expr: { key: 'disk', operator: 'Exists', values: ['ssd'] } },
    { name: 'DoesNotExist with values', expr: { key: 'gpu', operator: 'DoesNotExist', values: ['x'] } },
    { name: 'an invalid key', expr: { key: 'bad key', operator: 'DoesNotExist' } },
  ])('a term with $name matches no node', ({ expr }) => {
    expect(nodeSelectorTermMatches({ matchExpressions: [expr] }, n1)).toBe(false);
    expect(
      nodeSelectorTermsMatch(
        [{ matchExpressions: [expr] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
        n1,
      ),
    ).toBe(true);
  });

  it('In and NotIn, Exists and DoesNotExist are complements on any node (property)', () => {
    const labels = fc.dictionary(fc.constantFrom('zone', 'disk'), fc.constantFrom('a', 'b', 'ssd'));
    const values = fc.array(fc.constantFrom('a', 'b', 'ssd'), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(labels, fc.constantFrom('zone', 'disk'), values, (l, key, vs) => {
        const n = node('n', l);
        const holds = (operator: NodeSelectorRequirement['operator']) =>
          nodeSelectorTermMatches(
            {
              matchExpressions: [{ key, operator, values: operator === 'In' || operator === 'NotIn' ? vs : undefined }],
            },
            n,
          );
        expect(holds('In')).toBe(!holds('NotIn'));
        expect(holds('Exists')).toBe(!holds('DoesNotExist'));
      }),
    );
  });

  it('Gt and Lt compare integers: exactly one holds unless equal (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), (have, bound) => {
        const n = node('n', { v: String(have) });
        const holds = (operator: 'Gt' | 'Lt') =>
          nodeSelectorTermMatches({ matchExpressions: [{ key: 'v', operator, values: [String(bound)] }] }, n);
        expect(holds('Gt')).toBe(have > bound);
        expect(holds('Lt')).toBe(have < bound);
      }),
    );
  });
});

describe('podNodeSelectorMatches (nodeSelector map and required node affinity)', () => {
  const required = (terms: NodeSelectorTerm[]): PodSpec['affinity'] => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  });
  it.each<{ name: string; spec: Pick<PodSpec, 'nodeSelector' | 'affinity'>; want: boolean }>([
    { name: 'no constraint', spec: {}, want: true },
    { name: 'nodeSelector matches', spec: { nodeSelector: { zone: 'a', disk: 'ssd' } }, want: true },
    { name: 'one nodeSelector pair differs', spec: { nodeSelector: { zone: 'a', disk: 'hdd' } }, want: false },
    { name: 'nodeSelector on an absent label', spec: { nodeSelector: { gpu: '' } }, want: false },
    {
      name: 'affinity matches',
      spec: { affinity: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]) },
      want: true,
    },
    { name: 'affinity with no terms', spec: { affinity: required([]) }, want: false },
    {
      name: 'both must hold',
      spec: {
        nodeSelector: { zone: 'a' },
        affinity: required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }]),
      },
      want: false,
    },
    { name: 'preferred terms do not filter', spec: { affinity: { nodeAffinity: {} } }, want: true },
  ])('$name', ({ spec, want }) => {
    expect(podNodeSelectorMatches(spec, n1)).toBe(want);
  });
});
