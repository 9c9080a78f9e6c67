import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { CRD_CLEANUP_FINALIZER, type CustomResourceType } from '../../src/apiextensions/custom-resource-type.js';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { Manager } from '../../src/controller/manager.js';
import { InvalidError } from '../../src/errors/api-errors.js';
import { InformerFactory } from '../../src/informer/informer-factory.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { cronTab, cronTabCrd } from './fixtures.js';

type CronTab = KubeObject & { spec: Record<string, unknown>; status?: Record<string, unknown> };

describe('CustomResourceDefinitions', () => {
  let store: MemoryStore;
  let api: Api;
  const crontabs = () => api.resource<CronTab>('CronTab');
  beforeEach(async () => {
    store = new MemoryStore();
    api = new Api({ store, clock: new FakeClock() });
    await api.apply(cronTabCrd());
  });
  afterEach(async () => {
    await api.close();
    await store.close();
  });

  it('registers the kind the moment the CRD is applied, with its names, scope, subresources and columns', async () => {
    const type = api.registry.get('CronTab') as CustomResourceType;
    expect(type).toMatchObject({
      group: 'stable.example.com',
      version: 'v1',
      servedVersions: ['v1', 'v1beta1'],
      plural: 'crontabs',
      singular: 'crontab',
      listKind: 'CronTabList',
      namespaced: true,
      statusSubresource: true,
      shortNames: ['ct'],
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
      additionalPrinterColumns: [
        { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      ],
    });
    const created = await api.apply(cronTab({ cronSpec: '*/5 * * * *', image: 'cron:1' }));
    expect(await crontabs().get('default', 'nightly')).toEqual(created);
  });

  it('applies schema defaults, nested ones included', async () => {
    const stored = await api.apply(cronTab({ cronSpec: '0 0 * * *', containers: [{ name: 'a' }] }));
    expect(stored.spec).toEqual({
      cronSpec: '0 0 * * *',
      replicas: 1,
      suspend: false,
      containers: [{ name: 'a', pullPolicy: 'IfNotPresent' }],
    });
  });

  it('prunes fields the schema does not specify, keeps what preserve-unknown-fields and additionalProperties allow', async () => {
    const stored = await api.apply({
      ...cronTab({
        cronSpec: '0 0 * * *',
        typo: 'dropped',
        containers: [{ name: 'a', extra: 1 }],
        labels: { anything: 'kept' },
        config: { free: { form: true } },
      }),
      topLevel: 'dropped',
      metadata: { name: 'nightly', namespace: 'default', unknownMeta: 'dropped' },
    } as KubeObject);
    expect(stored).not.toHaveProperty('topLevel');
    expect(stored.metadata).not.toHaveProperty('unknownMeta');
    expect(stored.spec).toMatchObject({
      containers: [{ name: 'a', pullPolicy: 'IfNotPresent' }],
      labels: { anything: 'kept' },
      config: { free: { form: true } },
    });
    expect(stored.spec).not.toHaveProperty('typo');
    expect((stored.spec as { containers: object[] }).containers[0]).not.toHaveProperty('extra');
  });

  const valid = { cronSpec: '*/5 * * * *' };
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a minimal object', valid, []],
    [
      'every field at its bounds',
      { ...valid, image: 'x', replicas: 10, size: 'large', ratio: 0.5, port: 'http', tags: ['a', 'b', 'c'] },
      [],
    ],
    ['an int-or-string given as a number', { ...valid, port: 8080 }, []],
    ['a required field missing', { image: 'x' }, ['spec.cronSpec: Required value']],
    [
      'a string where an integer belongs',
      { ...valid, replicas: 'three' },
      ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'],
    ],
    [
      'a fraction where an integer belongs',
      { ...valid, replicas: 1.5 },
      ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"'],
    ],
    [
      'below the minimum',
      { ...valid, replicas: 0 },
      ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1'],
    ],
    [
      'above the maximum',
      { ...valid, replicas: 11 },
      ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'],
    ],
    [
      'an exclusive minimum',
      { ...valid, ratio: 0 },
      ['spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0'],
    ],
    [
      'a value outside the enum',
      { ...valid, size: 'huge' },
      ['spec.size: Unsupported value: "huge": supported values: "small", "large"'],
    ],
    [
      'a pattern mismatch',
      { cronSpec: 'every minute' },
      ['spec.cronSpec: Invalid value: "every minute": spec.cronSpec in body should match'],
    ],
    [
      'too short',
      { ...valid, image: '' },
      ['spec.image: Invalid value: "": spec.image in body should be at least 1 chars long'],
    ],
    ['too long', { ...valid, image: 'x'.repeat(65) }, ['spec.image: Too long: must have at most 64 bytes']],
    ['too many items', { ...valid, tags: ['a', 'b', 'c', 'd'] }, ['spec.tags: Too many: 4: must have at most 3 items']],
    ['duplicate items', { ...valid, tags: ['a', 'a'] }, ['spec.tags[1]: Duplicate value: "a"']],
    ['a bad item', { ...valid, tags: ['toolongtag'] }, ['spec.tags[0]: Too long: must have at most 8 bytes']],
    [
      'an item missing a required field',
      { ...valid, containers: [{ pullPolicy: 'Always' }] },
      ['spec.containers[0].name: Required value'],
    ],
    [
      'a bad additional property',
      { ...valid, labels: { a: 1 } },
      ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"'],
    ],
    [
      'a boolean as int-or-string',
      { ...valid, port: true },
      ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer or string: "boolean"'],
    ],
    [
      'several problems at once',
      { replicas: 0, size: 'huge' },
      ['spec.cronSpec: Required value', 'spec.replicas: Invalid value: 0', 'spec.size: Unsupported value: "huge"'],
    ],
  ])('%s', async (_, spec, expected) => {
    const err = await api.apply(cronTab(spec)).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (expected.length === 0) {
      expect(err).toBeUndefined();
      return;
    }
    expect(err).toBeInstanceOf(InvalidError);
    const fields = (err as InvalidError).fields.map((f) => `${f.field}: ${f.message}`);
    expect(fields).toHaveLength(expected.length);
    for (const [i, prefix] of expected.entries()) expect(fields[i]).toContain(prefix);
    await expect(crontabs().get('default', 'nightly')).rejects.toThrow(/not found/);
  });

  it('keeps status apart: a main write cannot change it, the status subresource can', async () => {
    await api.apply(cronTab(valid));
    const stored = await crontabs().get('default', 'nightly');
    const updated = await crontabs().update({ ...stored, status: { replicas: 3 } });
    expect(updated.status).toBeUndefined();
    const withStatus = await crontabs().updateStatus({ ...updated, status: { replicas: 3, phase: 'Running' } });
    expect(withStatus.status).toEqual({ replicas: 3, phase: 'Running' });
    expect(withStatus.metadata.generation).toBe(1);
  });

  it('accepts both served versions (conversion None) and stores the storage version', async () => {
    const viaBeta = await api.apply(cronTab(valid, 'beta', 'stable.example.com/v1beta1'));
    expect(viaBeta.apiVersion).toBe('stable.example.com/v1');
    expect((await crontabs().get('default', 'beta')).apiVersion).toBe('stable.example.com/v1');
    await expect(api.apply(cronTab(valid, 'gamma', 'stable.example.com/v2'))).rejects.toThrow(
      'CronTab is served as apiVersion stable.example.com/v1, not stable.example.com/v2',
    );
  });

  it('stops serving a version the CRD no longer serves', async () => {
    const crd = cronTabCrd();
    crd.spec.versions[1]!.served = false;
    await api.apply(crd);
    await expect(api.apply(cronTab(valid, 'beta', 'stable.example.com/v1beta1'))).rejects.toThrow(/served as/);
  });

  it('deleting the CRD deletes its objects, waits for their finalizers, then stops serving the kind', async () => {
    await api.apply(cronTab(valid, 'a'));
    await api.apply({
      ...cronTab(valid, 'b'),
      metadata: { name: 'b', namespace: 'default', finalizers: ['example.com/hold'] },
    });
    const crds = api.resource('CustomResourceDefinition');
    await crds.delete('crontabs.stable.example.com');
    const terminating = await crds.get('crontabs.stable.example.com');
    expect(terminating.metadata.finalizers).toEqual([CRD_CLEANUP_FINALIZER]);
    expect((await crontabs().list()).items.map((o) => o.metadata.name)).toEqual(['b']);

    await crontabs().patch('default', 'b', { metadata: { finalizers: null } });
    // The clean-up resumes from the store's watch event for b's deletion.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    await expect(crds.get('crontabs.stable.example.com')).rejects.toThrow(/not found/);
    expect(() => api.resource('CronTab')).toThrow(/no kind "CronTab" is registered/);
    expect(await store.list('crontabs.stable.example.com')).toMatchObject({ items: [] });
  });

  it('refuses a CRD whose kind another group already serves', async () => {
    const clash = cronTabCrd({ group: 'other.example.com' });
    clash.metadata.name = 'crontabs.other.example.com';
    await expect(api.apply(clash)).rejects.toThrow('kind CronTab is already served by stable.example.com');
    const builtin = cronTabCrd({ group: 'mine.example.com', names: { plural: 'pods', kind: 'Pod' } });
    builtin.metadata.name = 'pods.mine.example.com';
    await expect(api.apply(builtin)).rejects.toThrow('spec.names.kind: Invalid value: "Pod"');
  });

  it('serves CRDs already in the store to a new Api once ready', async () => {
    const second = new Api({ store, clock: new FakeClock() });
    expect(second.registry.find('CronTab')).toBeUndefined();
    await second.ready();
    await second.apply(cronTab(valid, 'from-second'));
    expect((await crontabs().get('default', 'from-second')).spec).toMatchObject({ replicas: 1 });
    await second.close();
  });

  it('informers and the Manager work on the custom kind with no code of their own', async () => {
    const clock = new FakeClock();
    const local = new Api({ store: new MemoryStore(), clock });
    await local.apply(cronTabCrd());
    const informers = new InformerFactory(local, { clock });
    const ac = new AbortController();
    const manager = new Manager({ api: local, clock });
    const seen: string[] = [];
    manager
      .controller('crontab')
      .for('CronTab')
      .reconcile({
        reconcile: async (req) => {
          seen.push(`${req.namespace}/${req.name}`);
          return undefined;
        },
      });
    const informer = informers.for<CronTab>('CronTab');
    informers.start(ac.signal);
    await manager.start(ac.signal);
    await local.apply(cronTab(valid, 'watched'));
    await clock.step(1000);
    expect(informer.cache.get('default', 'watched')?.spec).toMatchObject({ cronSpec: '*/5 * * * *' });
    expect(seen).toContain('default/watched');
    ac.abort();
    await manager.stopped;
    await local.close();
  });
});
