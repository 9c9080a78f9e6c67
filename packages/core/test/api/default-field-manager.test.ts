import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import type { DefaultFieldManager, FieldManager } from '../../src/api/field-manager.js';
import type { UserInfo } from '../../src/authz/types.js';
import type { ConfigMap } from '../../src/model/core-v1.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';

/**
 * Which manager a write is recorded under (`Api.setFieldManager`): the write's own `fieldManager`, else the
 * default manager, one name for all or a name chosen by who made the write, as Kubernetes names the program
 * that sent it.
 */

/** Records the manager of each write in an annotation, so the test reads what the Api chose. */
const annotatingRecorder: FieldManager = {
  record(_live, next, write) {
    next.metadata.annotations = { ...next.metadata.annotations, recorded: write.manager };
    return next;
  },
};

/** Kubernetes' program names for the users components act as; `undefined` (not recorded) for anyone else. */
const byProgram = (requester: UserInfo | undefined) => {
  if (requester?.username.startsWith('system:node:')) return 'kubelet';
  if (requester?.username === 'system:kube-scheduler') return 'kube-scheduler';
  return undefined;
};

const configMap = (name: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
});
const recordedOf = (obj: KubeObject) => obj.metadata.annotations?.recorded;

type Writer = (api: Api, obj: ConfigMap) => Promise<KubeObject>;
const trusted: Writer = (api, obj) => api.resource('ConfigMap').create(obj);
const named: Writer = (api, obj) => api.resource('ConfigMap').create(obj, { fieldManager: 'my-tool' });
const asNode: Writer = (api, obj) => api.as({ user: 'system:node:node-1' }).resource('ConfigMap').create(obj);
const forScheduler: Writer = (api, obj) =>
  api.resource('ConfigMap').create(obj, {
    requester: { username: 'system:kube-scheduler', groups: ['system:authenticated'] },
  });
const updatedAsNode: Writer = async (api, obj) => {
  await api.resource('ConfigMap').create(obj);
  return api
    .as({ user: 'system:node:node-1' })
    .resource('ConfigMap')
    .update({ ...obj, data: { changed: 'yes' } });
};

describe('the manager a write is recorded under', () => {
  it.each<{ name: string; defaultManager?: DefaultFieldManager; write: Writer; recorded: string | undefined }>([
    { name: 'no default: a trusted write is not recorded', write: trusted, recorded: undefined },
    { name: 'no default: a write naming its manager is', write: named, recorded: 'my-tool' },
    {
      name: 'a default name: every write naming none',
      defaultManager: 'flotilla',
      write: asNode,
      recorded: 'flotilla',
    },
    { name: "a write's own manager beats the default", defaultManager: 'flotilla', write: named, recorded: 'my-tool' },
    { name: 'by user: api.as(user) names it', defaultManager: byProgram, write: asNode, recorded: 'kubelet' },
    { name: 'by user: an update too', defaultManager: byProgram, write: updatedAsNode, recorded: 'kubelet' },
    {
      name: "by user: the write's requester names it",
      defaultManager: byProgram,
      write: forScheduler,
      recorded: 'kube-scheduler',
    },
    { name: 'by user: no user, no name, not recorded', defaultManager: byProgram, write: trusted, recorded: undefined },
    { name: "by user: a write's own manager beats it", defaultManager: byProgram, write: named, recorded: 'my-tool' },
  ])('$name', async ({ defaultManager, write, recorded }) => {
    const api = new Api({ store: new MemoryStore() });
    api.setFieldManager(annotatingRecorder, defaultManager);
    const written = await write(api, configMap('settings'));
    expect(recordedOf(written)).toBe(recorded);
    await api.close();
  });

  // An ApiServer started over the Api sets its recorder without naming a default: the owner's default stays.
  it('a later call naming no default keeps the one given before', async () => {
    const api = new Api({ store: new MemoryStore() });
    api.setFieldManager(annotatingRecorder, byProgram);
    api.setFieldManager(annotatingRecorder);
    expect(recordedOf(await asNode(api, configMap('settings')))).toBe('kubelet');
    await api.close();
  });
});
