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
    expect(err.message).toMatch(`manifest document ${doc} (line ${line}`);
    expect(err.message).toMatch(message);
    expect(err.reason).toBe('BadRequest');
  });
});

// Each rule of sigs.k8s.io/yaml's YAMLToJSON (its go-yaml v2 fork, goyaml.v2/resolve.go in
// kubernetes-sigs/yaml), which is how kubectl reads a manifest before sending it as JSON.
describe('parseManifests reads scalars as kubectl does', () => {
  const readValue = (yaml: string) =>
    parseManifests(`apiVersion: v1\nkind: Thing\nmetadata: {name: t}\nv: ${yaml}\n`)[0]!.v;
  it.each<[string, string, unknown]>([
    ['YAML 1.1 true: yes', 'yes', true],
    ['YAML 1.1 true: On', 'On', true],
    ['YAML 1.1 true: y', 'y', true],
    ['YAML 1.1 false: no', 'no', false],
    ['YAML 1.1 false: OFF', 'OFF', false],
    ['YAML 1.1 false: n', 'n', false],
    ['true', 'true', true],
    ['a quoted yes stays a string', '"yes"', 'yes'],
    ['a single-quoted on stays a string', "'on'", 'on'],
    ['mixed case is no boolean', 'yEs', 'yEs'],
    ['tilde is null', '~', null],
    ['Null is null', 'Null', null],
    ['an empty value is null', '', null],
    ['a leading zero is octal: 0400 is 256', '0400', 256],
    ['0o400 is octal too', '0o400', 256],
    ['0644 as a file mode', '0644', 420],
    ['08 is not octal: a float 8', '08', 8],
    ['hexadecimal', '0x1F', 31],
    ['binary', '0b101', 5],
    ['underscores are dropped', '1_000', 1000],
    ['a signed integer', '-12', -12],
    ['an exponent', '1e3', 1000],
    ['a leading dot', '.5', 0.5],
    ['a trailing dot', '1.', 1],
    ['sexagesimal stays a string (no base 60 in go-yaml)', '22:22', '22:22'],
    ['a date is a timestamp', '2024-01-02', '2024-01-02T00:00:00Z'],
    ['a short date', '2024-1-2', '2024-01-02T00:00:00Z'],
    ['a date and time with a zone', '2024-01-02T03:04:05+02:00', '2024-01-02T03:04:05+02:00'],
    ['a fraction loses its trailing zeros', '2024-01-02T03:04:05.500Z', '2024-01-02T03:04:05.5Z'],
    ['a space-separated time without zone is UTC', '2024-01-02 03:04:05', '2024-01-02T03:04:05Z'],
    ['an impossible date stays a string', '2024-02-30', '2024-02-30'],
    ['a version string stays a string', '1.2.3', '1.2.3'],
    ['a quoted number stays a string', '"0400"', '0400'],
    ['an explicit !!str tag', '!!str 0400', '0400'],
  ])('%s', (_, yaml, expected) => {
    expect(readValue(yaml)).toEqual(expected);
  });

  it('turns YAML 1.1 boolean and integer keys into JSON strings, as YAMLToJSON does', () => {
    const [obj] = parseManifests('apiVersion: v1\nkind: Thing\nmetadata: {name: t}\nmap:\n  yes: a\n  1: b\n');
    expect(obj!.map).toEqual({ true: 'a', 1: 'b' });
  });

  it('applies merge keys', () => {
    const [obj] = parseManifests(
      'apiVersion: v1\nkind: Thing\nmetadata: {name: t}\nbase: &b {a: 1, b: 2}\nderived:\n  <<: *b\n  b: 3\n',
    );
    expect(obj!.derived).toEqual({ a: 1, b: 3 });
  });

  it('refuses .inf and .nan, which have no JSON form', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: Thing\nmetadata: {name: t}\nv: .inf\n')).toThrow(
      /\.inf has no JSON form/,
    );
  });

  it('names the source, the document and the kind in its errors', () => {
    expect(() =>
      parseManifests(
        'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {}\n',
        {
          source: 'app.yaml',
        },
      ),
    ).toThrow(
      'app.yaml: manifest document 2 (line 7, Service): metadata.name (or metadata.generateName) is required for Service',
    );
  });
});

describe('formatManifests', () => {
  it('quotes strings kubectl would read as something else, so they round-trip', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { flag: 'yes', mode: '0400', when: '2024-01-02', off: 'off', plain: 'hello' },
    } as KubeObject;
    const text = formatManifests([obj]);
    expect(text).toContain('flag: "yes"');
    expect(text).toContain('plain: hello');
    expect(parseManifests(text)).toEqual([obj]);
  });

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
