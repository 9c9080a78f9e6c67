import { describe, expect, it } from 'vitest';
import { parseAccept } from '../../src/server/media-type.js';

describe('parseAccept', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['application/json', [{ type: 'application/json', params: {} }]],
    [
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      [
        { type: 'application/json', params: { as: 'Table', v: 'v1', g: 'meta.k8s.io' } },
        { type: 'application/json', params: {} },
      ],
    ],
    ['Application/JSON; AS="Table"', [{ type: 'application/json', params: { as: 'Table' } }]],
  ])('%j -> %j', (header, expected) => {
    expect(parseAccept(header)).toEqual(expected);
  });

  it('answers a header sent again from what it parsed, which nobody can change', () => {
    const header = 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io';
    const first = parseAccept(header);
    expect(parseAccept(header)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0]) && Object.isFrozen(first[0]!.params)).toBe(true);
  });
});
