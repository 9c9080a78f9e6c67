import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatManifests, ManifestError, parseManifests } from '../../src/model/manifests.js';
import type { KubeObject } from '../../src/model/meta.js';

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name } });

describe('parseManifests', () => {
  it.each<[string, string, KubeObject[]]>([
    ['empty text', '', []],
    ['comments only', '# nothing\n---\n# still nothing\n', []],
    ['one YAML document', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n', [pod('a')]],
    [
      'several documents with empty ones between',
      '---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n...\n',
      [pod('a'), pod('b')],
    ],
    ['JSON', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}', [pod('a')]],
    ['JSON with tabs', '{\n\t"apiVersion": "v1",\n\t"kind": "Pod",\n\t"metadata": {"name": "a"}\n}\n', [pod('a')]],
    [
      'kind: List',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- {apiVersion: v1, kind: Pod, metadata: {name: b}}\n',
      [pod('a'), pod('b')],
    ],
    [
      'typed list nested in a list',
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: PodList\n  items: [{apiVersion: v1, kind: Pod, metadata: {name: a}}]\n',
      [pod('a')],
    ],
    ['a top-level array', '- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n', [pod('a')]],
    [
      'generateName instead of name',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: web-\n',
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-' } } as unknown as KubeObject],
    ],
    [
      'YAML 1.2 scalars stay strings',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  flag: yes\n  when: 2024-01-01\n',
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { flag: 'yes', when: '2024-01-01' } }],
    ],
  ])('%s', (_, text, expected) => {
    expect(parseManifests(text)).toEqual(expected);
  });

  it('keeps unknown fields', () => {
    const [obj] = parseManifests(
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  futureField: 1\nspec:\n  anything: [1, {deep: true}]\nx-extra: z\n',
    );
    expect(obj).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', futureField: 1 },
      spec: { anything: [1, { deep: true }] },
      'x-extra': 'z',
    });
  });

  it.each<[string, string, number, number, RegExp]>([
    ['missing kind', 'apiVersion: v1\nmetadata: {name: a}\n', 1, 1, /kind is required/],
    [
      'missing name in the second document',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  labels: {a: b}\n',
      2,
      8,
      /metadata.name \(or metadata.generateName\) is required for Pod/,
    ],
    ['missing metadata', 'apiVersion: v1\nkind: Pod\n', 1, 1, /metadata is required for Pod/],
    ['empty apiVersion', 'apiVersion: ""\nkind: Pod\nmetadata: {name: a}\n', 1, 1, /apiVersion is required/],
    ['a scalar document', 'hello\n', 1, 1, /expected an object/],
    [
      'bad list item on its line',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- {apiVersion: v1, kind: Pod}\n',
      1,
      5,
      /metadata is required/,
    ],
    ['tab indentation', 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n', 1, 4, /Tabs are not allowed/],
    ['nested compact mapping', 'kind: Pod\nmetadata:\n  name: a\n  b: c: d\n', 1, 4, /Nested mappings/],
    [
      'unclosed flow sequence, reported at end of input',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\nmetadata:\n  name: [a\n',
      2,
      7,
      /end with a \]/,
    ],
    ['duplicate key', 'apiVersion: v1\nkind: Pod\nkind: Service\nmetadata: {name: a}\n', 1, 3, /unique/],
    [
      'alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      1,
      1,
      /alias/i,
    ],
  ])('%s -> ManifestError with document and line', (_, text, doc, line, message) => {
    let caught: unknown;
    try {
      parseManifests(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ManifestError);
    const err = caught as ManifestError;
    expect(err.documentIndex).toBe(doc);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(`manifest document ${doc} (line ${line}): `);
    expect(err.message).toMatch(message);
    expect(err.reason).toBe('BadRequest');
  });
});

describe('formatManifests', () => {
  it('writes documents separated by ---', () => {
    expect(formatManifests([pod('a'), pod('b')])).toBe(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n',
    );
  });

  it('round-trips arbitrary JSON content, unknown fields included', () => {
    const extra = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['apiVersion', 'kind', 'metadata'].includes(k)),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 4 },
    );
    const obj = fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), extra)
      .map(([name, rest]) => ({ ...rest, apiVersion: 'v1', kind: 'Thing', metadata: { name } }) as KubeObject);
    fc.assert(
      fc.property(fc.array(obj, { minLength: 1, maxLength: 3 }), (objs) => {
        // Compared as JSON text: JSON has no -0, which YAML would otherwise keep.
        expect(JSON.stringify(parseManifests(formatManifests(objs)))).toBe(JSON.stringify(objs));
      }),
    );
  });
});
