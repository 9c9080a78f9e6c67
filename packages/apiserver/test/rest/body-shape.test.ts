import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { copyJsonInput } from '../../../core/src/json/json-input.js';
import { bigMap, containersWithEnv, realBigObjects } from '../../../core/test/api/big-inputs.js';
import { bodyShapeProblem } from '../../src/rest/body-entries.js';
import { pod, send, servedApi } from '../server/served-api.js';

describe('bodyShapeProblem: the entries and depth of a JSON text, counted before it is parsed', () => {
  it.each([
    { what: 'members and items within the budget', text: '{"a":1,"b":[1,2,{"c":null}]}', max: 6, problem: undefined },
    {
      what: 'one member over',
      text: '{"a":1,"b":[1,2,{"c":null}]}',
      max: 5,
      problem: { reason: 'tooManyEntries', path: 'b[2]', max: 5 },
    },
    {
      what: 'whitespace anywhere',
      text: ' { "a" : [ 1 , 2 , 3 ] , "b" : { } } ',
      max: 4,
      problem: { reason: 'tooManyEntries', path: '', max: 4 },
    },
    {
      what: 'brackets, commas and colons inside strings count for nothing',
      text: '{"a":"{[,:\\"]}","b\\"{":"x"}',
      max: 2,
      problem: undefined,
    },
    {
      what: 'an escaped key in the path',
      text: '{"spec":{"a\\"b":[1,2,3]}}',
      max: 3,
      problem: { reason: 'tooManyEntries', path: 'spec.a"b', max: 3 },
    },
    {
      what: 'managedFields against their own budget, twice the object budget',
      text: JSON.stringify({ metadata: { managedFields: [{ f: bigMap(7) }], name: 'a' } }),
      max: 5,
      problem: undefined,
    },
    {
      what: 'managedFields over their own budget',
      text: JSON.stringify({ metadata: { managedFields: [{ f: bigMap(9) }] } }),
      max: 5,
      problem: { reason: 'tooManyEntries', path: 'metadata.managedFields[0].f', max: 10 },
    },
    {
      what: 'the object budget again after managedFields',
      text: JSON.stringify({ metadata: { managedFields: [], labels: bigMap(3) } }),
      max: 4,
      problem: { reason: 'tooManyEntries', path: 'metadata.labels', max: 4 },
    },
    {
      what: 'nesting deeper than 1,000 levels',
      text: `{"spec":${'['.repeat(1000)}${']'.repeat(1000)}}`,
      max: 100_000,
      problem: { reason: 'tooDeep', path: 'spec[0][0][0][0][0][0][0][0][0][0][0]...(988 more levels)' },
    },
  ])('$what', ({ text, max, problem }) => {
    expect(bodyShapeProblem(text, max)).toEqual(problem);
  });

  it('counts as the Api counts: the same refusal at the same path, or none, for any JSON object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), fc.nat(40), (value, max) => {
        const copy = copyJsonInput(value, Number.POSITIVE_INFINITY, max);
        const scanned = bodyShapeProblem(JSON.stringify(value), max);
        expect(scanned).toEqual(copy.ok ? undefined : copy.problem);
      }),
      { numRuns: 500 },
    );
  });
});

let s: Awaited<ReturnType<typeof servedApi>> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const pods = '/api/v1/namespaces/default/pods';
const tooMany = (max: number) =>
  `Too many: must have at most ${max} entries (object members and list items; members of an object past its 16th count 4) in one write (maxInputEntries)`;

describe('the server refuses a body over its entry budget before parsing it, with a Status, writing nothing', () => {
  it.each([
    {
      what: 'a create with 20,001 labels (the default budget)',
      method: 'POST',
      path: pods,
      body: () => pod('big', bigMap(20_001) as Record<string, string>),
      field: 'metadata.labels',
      max: 16_000,
    },
    {
      what: 'an update whose env lists pass the budget',
      method: 'PUT',
      path: `${pods}/web`,
      // 11 entries up to the first env list, 3 per env var (the item, name, value), 4 for the second container.
      body: () => ({ ...pod('web'), spec: { containers: containersWithEnv(2, 20) } }),
      field: 'spec.containers[1].env[8]',
      max: 100,
      limit: 100,
    },
    {
      what: 'a merge patch',
      method: 'PATCH',
      path: `${pods}/web`,
      contentType: 'application/merge-patch+json',
      body: () => ({ metadata: { annotations: bigMap(200) } }),
      field: 'metadata.annotations',
      max: 100,
      limit: 100,
    },
    {
      what: 'a JSON server-side apply',
      method: 'PATCH',
      path: `${pods}/web?fieldManager=me`,
      contentType: 'application/apply-patch+yaml',
      body: () => ({ ...pod('web'), metadata: { name: 'web', labels: bigMap(200) } }),
      field: 'metadata.labels',
      max: 100,
      limit: 100,
    },
    {
      what: 'delete options',
      method: 'DELETE',
      path: `${pods}/web`,
      body: () => ({ kind: 'DeleteOptions', apiVersion: 'v1', dryRun: Array(200).fill('All') }),
      field: 'dryRun',
      max: 100,
      limit: 100,
      kind: 'DeleteOptions',
    },
  ])('$what: 422 naming $field', async ({ method, path, body, contentType, field, max, limit, kind }) => {
    s = await servedApi(limit === undefined ? {} : { limits: { maxBodyEntries: limit } });
    await s.json('POST', pods, pod('web'));
    const before = await s.store.currentRevision();
    const r = await s.json(method, path, body(), contentType);
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      code: 422,
      details: { kind: kind ?? 'Pod', causes: [{ reason: 'FieldValueTooMany', field, message: tooMany(max) }] },
    });
    expect(await s.store.currentRevision()).toBe(before);
    expect((await s.json('GET', `${pods}/web`)).status).toBe(200);
  });

  it('counts before parsing: a body over the budget is refused even where its text stops being JSON', async () => {
    s = await servedApi({ limits: { maxBodyEntries: 100 } });
    const text = `${JSON.stringify(pod('big', bigMap(200) as Record<string, string>)).slice(0, -3)} not JSON`;
    const r = await send(s.url, 'POST', pods, { body: text, headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ reason: 'Invalid', details: { causes: [{ field: 'metadata.labels' }] } });
  });

  it.each([
    // 800 entries for JSON, 20 for YAML: the head holds 6 colons, each label one more.
    { what: 'over a fortieth of the budget in entries', labels: 15, padding: 0 },
    { what: 'over 256 KiB', labels: 0, padding: 300 * 1024 },
  ])('a YAML server-side apply $what is a 413', async ({ labels, padding }) => {
    s = await servedApi({ limits: { maxBodyEntries: 800 } });
    const before = await s.store.currentRevision();
    let yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\n';
    if (labels > 0) yaml += `  labels:\n${Array.from({ length: labels }, (_, i) => `    k${i}: v\n`).join('')}`;
    if (padding) yaml += `  annotations:\n    a: ${'x'.repeat(padding)}\n`;
    const r = await send(s.url, 'PATCH', `${pods}/web?fieldManager=me`, {
      body: yaml,
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    expect(await s.store.currentRevision()).toBe(before);
  });

  it('a YAML server-side apply within its budget is applied', async () => {
    s = await servedApi({ limits: { maxBodyEntries: 800 } });
    const yaml = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\nspec:\n  containers:\n  - name: app\n    image: nginx\n`;
    const r = await send(s.url, 'PATCH', `${pods}/web?fieldManager=me`, {
      body: yaml,
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });
    expect(r.status).toBe(201);
  });
});

describe('real big objects pass the server budget, their managedFields included', () => {
  const collections: Record<string, string> = {
    Pod: pods,
    ConfigMap: '/api/v1/namespaces/default/configmaps',
    Secret: '/api/v1/namespaces/default/secrets',
    Node: '/api/v1/nodes',
    Endpoints: '/api/v1/namespaces/default/endpoints',
    CustomResourceDefinition: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  };
  it.each(realBigObjects)('$name is created: 201', async ({ name, kind, body }) => {
    s = await servedApi();
    const r = await s.json('POST', collections[kind]!, body(name.replaceAll('_', '-').toLowerCase()));
    expect(r.status).toBe(201);
  });
});
