import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterApi } from '../api/cluster-api.js';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  InvalidError,
  NotFoundError,
} from '../errors/api-errors.js';
import type { ConfigMap, Namespace, Pod } from '../model/core-v1.js';
import { collectThroughName, rejection } from './store-suite-helpers.js';

/** An Api under test: what `describeResourceClientConformance` is handed before each test. */
export interface ResourceClientFixture {
  /** An Api over an empty store (its initial namespaces aside). */
  api: ClusterApi;
  /** Releases the Api and whatever serves it. */
  dispose(): Promise<void>;
}

const configMap = (
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels },
  data,
});

const pod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
});

/** Names of a list's items, in order. */
const names = (list: { items: { metadata: { name: string } }[] }) => list.items.map((i) => i.metadata.name);

/**
 * The one suite every `ResourceClient` must pass, in-process (`Api`) or
 * remote (`RemoteApi` to an apiserver): the interface's contract as tests,
 * with results compared as values, so two implementations that pass it
 * answer alike. `make` is called before each test.
 */
export function describeResourceClientConformance(name: string, make: () => Promise<ResourceClientFixture>): void {
  describe(`ResourceClient conformance: ${name}`, () => {
    let fixture: ResourceClientFixture;
    let api: ClusterApi;
    beforeEach(async () => {
      fixture = await make();
      api = fixture.api;
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    describe('reads and writes', () => {
      it('create returns the stored object, which get returns unchanged; update and delete move its revision on', async () => {
        const cms = api.resource('ConfigMap');
        const created = await cms.create(configMap('a', {}, { k: '1' }));
        expect(created).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { k: '1' } });
        expect(created.metadata.uid).toBeTruthy();
        expect(created.metadata.creationTimestamp).toBeTruthy();
        expect(await cms.get('default', 'a')).toEqual(created);
        const updated = await cms.update({ ...created, data: { k: '2' } });
        expect(updated.data).toEqual({ k: '2' });
        expect(BigInt(updated.metadata.resourceVersion!)).toBeGreaterThan(BigInt(created.metadata.resourceVersion!));
        const deleted = await cms.delete('default', 'a');
        expect(deleted.metadata.name).toBe('a');
        expect(await rejection(cms.get('default', 'a'))).toBeInstanceOf(NotFoundError);
      });

      it('generateName makes a fresh name; dryRun writes nothing', async () => {
        const cms = api.resource('ConfigMap');
        const generated = await cms.create({
          ...configMap(''),
          metadata: { name: '', namespace: 'default', generateName: 'gen-' },
        });
        expect(generated.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
        const dry = await cms.create(configMap('dry'), { dryRun: true });
        expect(dry.metadata.name).toBe('dry');
        expect(await rejection(cms.get('default', 'dry'))).toBeInstanceOf(NotFoundError);
      });

      it('a merge patch sets and removes (null) fields of spec and metadata', async () => {
        const cms = api.resource('ConfigMap');
        await cms.create(configMap('p', { a: '1', b: '2' }, { x: '1' }));
        const patched = await cms.patch('default', 'p', {
          metadata: { labels: { a: null, c: '3' } },
          data: { y: '2' },
        });
        expect(patched.metadata.labels).toEqual({ b: '2', c: '3' });
        expect(patched.data).toEqual({ x: '1', y: '2' });
      });

      it('status is a subresource: update keeps status, updateStatus and patchStatus keep spec', async () => {
        const pods = api.resource('Pod');
        const created = await pods.create(pod('s'));
        const withStatus = await pods.patchStatus('default', 's', { status: { phase: 'Running' } });
        expect(withStatus.status?.phase).toBe('Running');
        const labelled = await pods.update({
          ...withStatus,
          metadata: { ...withStatus.metadata, labels: { l: '1' } },
          status: { phase: 'Failed' },
        });
        expect(labelled.status?.phase).toBe('Running');
        expect(labelled.metadata.labels).toEqual({ l: '1' });
        const statusOnly = await pods.updateStatus({
          ...labelled,
          spec: { ...labelled.spec!, activeDeadlineSeconds: 5 },
          status: { phase: 'Succeeded' },
        });
        expect(statusOnly.status?.phase).toBe('Succeeded');
        expect(statusOnly.spec?.activeDeadlineSeconds).toBe(created.spec?.activeDeadlineSeconds);
      });

      it("cluster-scoped kinds take (name), (undefined, name) and ('', name); the wrong form is BadRequestError", async () => {
        const namespaces = api.resource('Namespace');
        const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
        await namespaces.create(ns);
        for (const got of [
          await namespaces.get('team-a'),
          await namespaces.get(undefined, 'team-a'),
          await namespaces.get('', 'team-a'),
        ]) {
          expect(got.metadata.name).toBe('team-a');
        }
        expect(await rejection(namespaces.get('default', 'team-a'))).toBeInstanceOf(BadRequestError);
        expect(await rejection(api.resource('ConfigMap').get('only-a-name'))).toBeInstanceOf(BadRequestError);
      });
    });

    describe('errors', () => {
      it('typed errors: NotFound, AlreadyExists, Conflict on a stale revision, Invalid naming the field', async () => {
        const cms = api.resource('ConfigMap');
        expect(await rejection(cms.get('default', 'missing'))).toBeInstanceOf(NotFoundError);
        const first = await cms.create(configMap('e'));
        expect(await rejection(cms.create(configMap('e')))).toBeInstanceOf(AlreadyExistsError);
        await cms.patch('default', 'e', { data: { changed: 'yes' } });
        expect(await rejection(cms.update({ ...first, data: { stale: 'yes' } }))).toBeInstanceOf(ConflictError);
        const invalid = await rejection(cms.create(configMap('Not_A_Name')));
        expect(invalid).toBeInstanceOf(InvalidError);
        expect((invalid as InvalidError).fields.map((f) => f.field)).toContain('metadata.name');
        expect(await rejection(cms.delete('default', 'missing'))).toBeInstanceOf(NotFoundError);
      });

      it('delete preconditions: a uid or revision that no longer matches is a Conflict; nothing is deleted', async () => {
        const cms = api.resource('ConfigMap');
        const created = await cms.create(configMap('pre'));
        expect(
          await rejection(cms.delete('default', 'pre', { preconditions: { uid: 'someone-else' } })),
        ).toBeInstanceOf(ConflictError);
        await cms.patch('default', 'pre', { data: { n: '1' } });
        const stale = { resourceVersion: created.metadata.resourceVersion };
        expect(await rejection(cms.delete('default', 'pre', { preconditions: stale }))).toBeInstanceOf(ConflictError);
        expect((await cms.get('default', 'pre')).data).toEqual({ n: '1' });
      });

      it('a delete of an object with finalizers marks it; removing the last finalizer deletes it', async () => {
        const cms = api.resource('ConfigMap');
        await cms.create({ ...configMap('fin'), metadata: { name: 'fin', namespace: 'default', finalizers: ['x/y'] } });
        const marked = await cms.delete('default', 'fin');
        expect(marked.metadata.deletionTimestamp).toBeTruthy();
        expect((await cms.get('default', 'fin')).metadata.deletionTimestamp).toBeTruthy();
        await cms.patch('default', 'fin', { metadata: { finalizers: null } });
        expect(await rejection(cms.get('default', 'fin'))).toBeInstanceOf(NotFoundError);
      });
    });

    describe('list and watch', () => {
      it('lists by label selector (string and structured) and field selector, within a namespace', async () => {
        const cms = api.resource('ConfigMap');
        await cms.create(configMap('web-1', { app: 'web', tier: 'front' }));
        await cms.create(configMap('web-2', { app: 'web', tier: 'back' }));
        await cms.create(configMap('db', { app: 'db' }));
        expect(names(await cms.list({ namespace: 'default', labelSelector: 'app=web' }))).toEqual(['web-1', 'web-2']);
        expect(
          names(
            await cms.list({
              namespace: 'default',
              labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
            }),
          ),
        ).toEqual(['web-2']);
        expect(names(await cms.list({ namespace: 'default', fieldSelector: 'metadata.name=db' }))).toEqual(['db']);
        expect(names(await cms.list({ namespace: 'kube-system', labelSelector: 'app=web' }))).toEqual([]);
      });

      it('pages with limit and continue: every object once, in order', async () => {
        const cms = api.resource('ConfigMap');
        const all = ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6'];
        for (const n of all) await cms.create(configMap(n, { paged: 'yes' }));
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await cms.list({ namespace: 'default', labelSelector: 'paged=yes', limit: 3, continue: token });
          seen.push(...names(page));
          token = page.continue;
          pages++;
        } while (token);
        expect(seen).toEqual(all);
        expect(pages).toBe(3);
      });

      it('a watch from a list revision sees ADDED, MODIFIED and DELETED in order; a selected watch only matching objects', async () => {
        const cms = api.resource('ConfigMap');
        const from = (await cms.list({ namespace: 'default' })).resourceVersion;
        const all = collectThroughName(cms.watch({ namespace: 'default', resourceVersion: from }), 'end');
        const selected = collectThroughName(
          cms.watch({ namespace: 'default', resourceVersion: from, labelSelector: 'pick=yes' }),
          'end',
        );
        await cms.create(configMap('w', { pick: 'yes' }));
        await cms.create(configMap('other'));
        await cms.patch('default', 'w', { data: { v: '2' } });
        await cms.delete('default', 'w');
        await cms.create(configMap('end', { pick: 'yes' }));
        const describe = (events: Awaited<typeof all>) =>
          events.map((e) => `${e.type} ${e.object.kind} ${e.object.metadata.name}`);
        expect(describe(await all)).toEqual([
          'ADDED ConfigMap w',
          'ADDED ConfigMap other',
          'MODIFIED ConfigMap w',
          'DELETED ConfigMap w',
          'ADDED ConfigMap end',
        ]);
        expect(describe(await selected)).toEqual([
          'ADDED ConfigMap w',
          'MODIFIED ConfigMap w',
          'DELETED ConfigMap w',
          'ADDED ConfigMap end',
        ]);
      });
    });

    describe('pods', () => {
      it('bindPod binds once; a second bind is a Conflict', async () => {
        await api.resource('Pod').create(pod('b'));
        const bound = await api.bindPod({ namespace: 'default', name: 'b' }, 'node-1');
        expect(bound.spec?.nodeName).toBe('node-1');
        expect(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
        expect(await rejection(api.bindPod({ namespace: 'default', name: 'b' }, 'node-2'))).toBeInstanceOf(
          ConflictError,
        );
      });
    });
  });
}
