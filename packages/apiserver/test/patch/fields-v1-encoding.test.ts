import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldSet } from '../../src/patch/apply/field-set.js';

/** structured-merge-diff's serialisation: `"."` first, then every key in byte order, leaves `{}`. */
const canonical = (node: Record<string, unknown>): string =>
  `{${Object.keys(node)
    .sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${JSON.stringify(key)}:${canonical(node[key] as Record<string, unknown>)}`)
    .join(',')}}`;

describe('fieldsV1 encoding', () => {
  it.each([
    {
      name: 'a member with children is marked "." ahead of them; leaves are {}',
      paths: [
        ['f:spec', 'f:replicas'],
        ['f:metadata', 'f:labels', 'f:app'],
        ['f:metadata', 'f:labels'],
      ],
      text: '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}}',
    },
    {
      name: 'keys sort element by element: f:a before f:a-b before f:ab',
      paths: [['f:ab'], ['f:a', 'f:z'], ['f:a-b']],
      text: '{"f:a":{"f:z":{}},"f:a-b":{},"f:ab":{}}',
    },
    {
      name: 'list items by key sort with the fields beside them',
      paths: [
        ['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'],
        ['f:spec', 'f:containers', 'k:{"name":"web"}'],
        ['f:spec', 'f:containers', 'k:{"name":"side"}'],
        ['f:spec', 'f:dnsPolicy'],
      ],
      text: '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"side\\"}":{},"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{}}},"f:dnsPolicy":{}}}',
    },
  ])('$name', ({ paths, text }) => {
    expect(JSON.stringify(new FieldSet(paths).toFieldsV1())).toBe(text);
  });

  it('re-encodes a stored tree that is not in canonical form', () => {
    const stored = { 'f:spec': { 'f:b': {}, 'f:a': { '.': { x: 1 }, 'f:c': {} }, 'f:d': { '.': {} } } };
    expect(JSON.stringify(FieldSet.fromFieldsV1(stored).toFieldsV1())).toBe(
      '{"f:spec":{"f:a":{".":{},"f:c":{}},"f:b":{},"f:d":{}}}',
    );
  });

  const element = fc.constantFrom('f:a', 'f:ab', 'f:a-b', 'f:b', 'k:{"name":"x"}', 'v:1', 'i:0');
  const paths = fc.array(fc.array(element, { minLength: 1, maxLength: 4 }), { maxLength: 12 });

  it('encodes in canonical order and decodes to the same set, decoded trees kept as they are (fast-check)', () => {
    fc.assert(
      fc.property(paths, (list) => {
        const set = new FieldSet(list);
        const tree = set.toFieldsV1();
        expect(JSON.stringify(tree)).toBe(canonical(tree));
        const decoded = FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(tree)));
        expect(decoded.sortedPaths()).toEqual(set.sortedPaths());
        expect(JSON.stringify(decoded.toFieldsV1())).toBe(JSON.stringify(tree));
        expect(JSON.stringify(set.difference(new FieldSet()).toFieldsV1())).toBe(JSON.stringify(tree));
      }),
    );
  });
});
