import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors/api-errors.js';
import { compileFieldSelector, parseFieldSelector } from '../../src/model/field-selector.js';
import type { KubeObject } from '../../src/model/meta.js';

const pod = (name: string, nodeName?: string, phase?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: nodeName ? { nodeName, priority: 5 } : {},
  status: phase ? { phase } : {},
});
const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };

describe('compileFieldSelector', () => {
  it.each<[string | undefined, KubeObject, boolean]>([
    [undefined, pod('a'), true],
    ['', pod('a'), true],
    ['metadata.name=a', pod('a'), true],
    ['metadata.name==a', pod('a'), true],
    ['metadata.name=b', pod('a'), false],
    ['metadata.name!=b', pod('a'), true],
    ['metadata.namespace=default', pod('a'), true],
    ['metadata.namespace=', node, true],
    ['spec.nodeName=n1', pod('a', 'n1'), true],
    ['spec.nodeName=', pod('a'), true],
    ['spec.nodeName=', pod('a', 'n1'), false],
    ['spec.nodeName!=', pod('a', 'n1'), true],
    ['status.phase=Running', pod('a', 'n1', 'Running'), true],
    ['status.phase!=Failed,status.phase!=Succeeded', pod('a', 'n1', 'Running'), true],
    ['status.phase!=Failed,status.phase!=Succeeded', pod('a', 'n1', 'Failed'), false],
    ['spec.nodeName=n1,status.phase=Pending', pod('a', 'n1', 'Running'), false],
    ['spec.priority=5', pod('a', 'n1'), true],
    ['spec=', pod('a', 'n1'), true],
    [' metadata.name = a ', pod(' a '), false],
  ])('%j on %j -> %s', (text, obj, expected) => {
    expect(compileFieldSelector(text).matches(obj)).toBe(expected);
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b\\=c\\\\d')).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b=c\\d' },
    ]);
  });

  it.each([
    ['metadata.name'],
    ['metadata.name>a'],
    ['=a'],
    ['metadata..name=a'],
    ['metadata.name=a=b'],
    ['metadata.name=a\\b'],
    ['a=b,,c=d'],
  ])('%j is a bad request', (text) => {
    expect(() => compileFieldSelector(text)).toThrow(BadRequestError);
  });

  it('reports emptiness', () => {
    expect(compileFieldSelector(undefined).empty).toBe(true);
    expect(compileFieldSelector('a=b').empty).toBe(false);
  });
});
