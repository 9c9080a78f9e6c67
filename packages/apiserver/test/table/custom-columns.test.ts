import type { KubeObject, ResourceType } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { customResourcePrinter, parseColumnPath } from '../../src/table/custom-columns.js';
import { toTable } from '../../src/table/to-table.js';

const widget = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w1', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { size: 3, parts: [{ name: 'a' }, { name: 'b' }] },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
} as KubeObject;

const typeWith = (additionalPrinterColumns?: object[]) =>
  ({
    group: 'example.com',
    version: 'v1',
    kind: 'Widget',
    plural: 'widgets',
    namespaced: true,
    additionalPrinterColumns,
  }) as ResourceType;

describe('additionalPrinterColumns of a kind a CustomResourceDefinition defines', () => {
  it.each([
    ['.spec.size', 3],
    ['.spec.parts[1].name', 'b'],
    ['.status.conditions[?(@.type=="Ready")].status', 'True'],
    ['{.spec.size}', 3],
    ['.spec.missing', '<none>'],
    ['.spec.parts', '[{"name":"a"},{"name":"b"}]'],
    ['spec..bad', '<none>'],
  ])('%s -> %j', (jsonPath, cell) => {
    const printer = customResourcePrinter(typeWith([{ name: 'X', type: 'string', jsonPath }]))!;
    expect(toTable(printer, [widget], { now: 0, includeObject: 'None' }).rows[0]!.cells).toEqual(['w1', cell]);
  });

  it('NAME, then the columns in order with their priority; a date column prints as an age', () => {
    const printer = customResourcePrinter(
      typeWith([
        { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', priority: 1 },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ]),
    )!;
    const table = toTable(printer, [widget], { now: Date.parse('2026-01-01T00:05:00Z'), includeObject: 'None' });
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Size', 'integer', 0],
      ['Ready', 'string', 1],
      ['Age', 'string', 0],
    ]);
    expect(table.rows[0]!.cells).toEqual(['w1', 3, 'True', '5m']);
  });

  it('a CRD without columns prints NAME AGE; a kind without a CRD has no custom printer', () => {
    expect(customResourcePrinter(typeWith([]))!.columns.map((c) => c.definition.name)).toEqual(['Name', 'Age']);
    expect(customResourcePrinter(typeWith(undefined))).toBeUndefined();
  });

  it('parses only the JSONPath subset it can evaluate', () => {
    expect(parseColumnPath('.a.b[0]')).toEqual([{ member: 'a' }, { member: 'b' }, { index: 0 }]);
    expect(parseColumnPath('.a[*].b')).toBeUndefined();
  });
});
