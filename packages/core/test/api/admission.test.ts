import { describe, expect, it } from 'vitest';
import { AdmissionChain, type AdmissionHook, type AdmissionRequest, type ResourceClient } from '../../src/api/index.js';
import { runAsRequester } from '../../src/authz/index.js';
import { ForbiddenError, InvalidError, NotFoundError } from '../../src/errors/index.js';
import type { Pod } from '../../src/model/index.js';
import { newApi, pod, revision } from './fixtures.js';

const denyAll = (message: string): AdmissionHook => ({
  name: 'deny.example.com',
  admit() {
    throw new Error(message);
  },
});

describe('admission', () => {
  it('a rejecting hook stops the write with its message as a ForbiddenError, and nothing is written', async () => {
    const { api, store } = newApi();
    await api.resource('Namespace').list();
    api.addAdmissionHook(denyAll('images must come from registry.example.com'));
    const before = await revision(store);
    const err = await api
      .resource('Pod')
      .create(pod('p'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toBe(
      'admission webhook "deny.example.com" denied the request: images must come from registry.example.com',
    );
    expect(await revision(store)).toBe(before);
    await expect(api.resource('Pod').get('default', 'p')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('mutating hooks run in order before validating hooks, which see the final object', async () => {
    const seen: string[] = [];
    const { api } = newApi({
      admission: [
        {
          name: 'check',
          kinds: ['Pod'],
          admit: (req) => {
            seen.push(`validate:${(req.object as Pod).metadata.labels?.step}`);
          },
        },
        {
          name: 'first',
          kinds: ['Pod'],
          phase: 'mutating',
          admit: (req) => {
            seen.push('mutate:first');
            req.object.metadata.labels = { ...req.object.metadata.labels, step: 'one' };
          },
        },
      ],
    });
    api.addAdmissionHook({
      name: 'second',
      kinds: ['Pod'],
      phase: 'mutating',
      admit: (req) => {
        seen.push('mutate:second');
        req.object.metadata.labels = { ...req.object.metadata.labels, step: `${req.object.metadata.labels?.step}.two` };
      },
    });
    const created = await api.resource('Pod').create(pod('p'));
    expect(seen).toEqual(['mutate:first', 'mutate:second', 'validate:one.two']);
    expect(created.metadata.labels).toEqual({ app: 'web', step: 'one.two' });
  });

  it('changes a validating hook makes are not written', async () => {
    const { api } = newApi();
    api.addAdmissionHook({
      name: 'sneaky',
      kinds: ['Pod'],
      admit: (req) => {
        req.object.metadata.labels = { sneaky: 'yes' };
      },
    });
    const created = await api.resource('Pod').create(pod('p'));
    expect(created.metadata.labels).toEqual({ app: 'web' });
  });

  it('an object a mutating hook makes invalid is rejected by validation', async () => {
    const { api } = newApi();
    api.addAdmissionHook({
      name: 'breaker',
      kinds: ['Pod'],
      phase: 'mutating',
      admit: (req) => {
        req.object.metadata.labels = { 'bad key!': 'x' };
      },
    });
    const err = (await api
      .resource('Pod')
      .create(pod('p'))
      .catch((e: unknown) => e)) as InvalidError;
    expect(err).toBeInstanceOf(InvalidError);
    expect(err.kind).toBe('Pod');
  });

  it('hooks see only the kinds and operations they ask for, with the old object on update', async () => {
    const requests: AdmissionRequest[] = [];
    const { api } = newApi();
    api.addAdmissionHook({
      name: 'pods-update',
      kinds: ['Pod'],
      operations: ['UPDATE'],
      admit: (r) => void requests.push(r),
    });
    const pods = api.resource('Pod');
    const created = await pods.create(pod('p'));
    await api
      .resource('ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } });
    await pods.updateStatus({ ...created, status: { phase: 'Running' } });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ operation: 'UPDATE', kind: 'Pod', subresource: 'status', dryRun: false });
    expect((requests[0]!.oldObject as Pod).status?.phase).toBe('Pending');
    expect((requests[0]!.object as Pod).status?.phase).toBe('Running');
  });

  it('a DELETE hook can refuse a deletion', async () => {
    const { api } = newApi();
    api.addAdmissionHook({ ...denyAll('protected'), operations: ['DELETE'] });
    await api.resource('Pod').create(pod('p'));
    await expect(api.resource('Pod').delete('default', 'p')).rejects.toThrow(/protected/);
    expect((await api.resource('Pod').get('default', 'p')).metadata.name).toBe('p');
  });

  it('an ApiError thrown by a hook reaches the caller unchanged', async () => {
    const { api } = newApi();
    const own = new ForbiddenError('quota exceeded: pods=10');
    api.addAdmissionHook({
      name: 'quota',
      admit: () => {
        throw own;
      },
    });
    await expect(api.resource('Pod').create(pod('p'))).rejects.toBe(own);
  });

  it('binding runs admission with subresource binding', async () => {
    const requests: AdmissionRequest[] = [];
    const { api } = newApi();
    await api.resource('Pod').create(pod('p'));
    api.addAdmissionHook({ name: 'watch-binds', admit: (r) => void requests.push(r) });
    await api.bindPod({ namespace: 'default', name: 'p' }, 'node-1');
    expect(requests.map((r) => `${r.operation}/${r.subresource}`)).toEqual(['UPDATE/binding']);
  });
});

describe('admission sees who asked (userInfo)', () => {
  const alice = { username: 'alice', groups: ['dev'] };
  const bob = { username: 'bob', groups: [] };
  /** The user each admitted write was made for, as `operation name user`. */
  function recordingApi() {
    const seen: string[] = [];
    const { api } = newApi({
      admission: [
        {
          name: 'who',
          kinds: ['Pod'],
          admit: (req) => {
            seen.push(`${req.operation} ${req.object.metadata.name} ${req.userInfo?.username ?? '-'}`);
          },
        },
      ],
    });
    return { api, seen };
  }

  it.each([
    ['create', (pods: ResourceClient<Pod>) => pods.create(pod('p'), { requester: alice }), 'CREATE p alice'],
    [
      'update',
      async (pods: ResourceClient<Pod>) => pods.update(await pods.get('default', 'seed'), { requester: alice }),
      'UPDATE seed alice',
    ],
    [
      'delete',
      (pods: ResourceClient<Pod>) => pods.delete('default', 'seed', { requester: alice }),
      'DELETE seed alice',
    ],
  ])('%s: the write option requester', async (_name, write, expected) => {
    const { api, seen } = recordingApi();
    const pods = api.resource<Pod>('Pod');
    await pods.create(pod('seed'));
    await write(pods);
    expect(seen).toEqual(['CREATE seed -', expected]);
  });

  it('a binding and an eviction name theirs too', async () => {
    const { api, seen } = recordingApi();
    await api.resource<Pod>('Pod').create(pod('p'));
    await api.bindPod({ namespace: 'default', name: 'p' }, 'node-1', { requester: alice });
    await api.evict('default', 'p', { requester: alice });
    expect(seen).toEqual(['CREATE p -', 'UPDATE p alice', 'DELETE p alice']);
  });

  it("without one, runAsRequester's user; the option wins over it", async () => {
    const { api, seen } = recordingApi();
    const pods = api.resource<Pod>('Pod');
    await runAsRequester(bob, () => pods.create(pod('a')));
    await runAsRequester(bob, () => pods.create(pod('b'), { requester: alice }));
    expect(seen).toEqual(['CREATE a bob', 'CREATE b alice']);
  });
});

describe("Flotilla's own hooks (addBuiltin) are trusted with the pipeline's object", () => {
  const request = (): AdmissionRequest => ({
    operation: 'CREATE',
    kind: 'Pod',
    object: pod('p'),
    dryRun: false,
    userInfo: { username: 'alice', groups: [] },
  });
  const cases: {
    hook: string;
    builtin: boolean;
    mutateAsksRevalidation: boolean;
    validatorSeesObjectItself: boolean;
  }[] = [
    { hook: "Flotilla's own", builtin: true, mutateAsksRevalidation: false, validatorSeesObjectItself: true },
    { hook: "a caller's", builtin: false, mutateAsksRevalidation: true, validatorSeesObjectItself: false },
  ];
  it.each(
    cases,
  )('$hook hooks: validated again after mutating: $mutateAsksRevalidation; the validating hook sees the object itself: $validatorSeesObjectItself', async (c) => {
    const chain = new AdmissionChain();
    const seen: object[] = [];
    const add = (hook: AdmissionHook) => (c.builtin ? chain.addBuiltin(hook) : chain.add(hook));
    add({
      name: 'set-priority',
      phase: 'mutating',
      admit: (req) => {
        (req.object as Pod).spec.priority = 0;
      },
    });
    add({ name: 'look', admit: (req) => void seen.push(req.object) });
    const req = request();
    expect(await chain.mutate(req)).toBe(c.mutateAsksRevalidation);
    await chain.validate(req);
    expect(seen[0] === req.object).toBe(c.validatorSeesObjectItself);
    expect(chain.builtinOnlyFor('Pod')).toBe(c.builtin);
  });

  it('the store keeps the Pod a create built (no second copy) unless a caller hook for Pods saw it', async () => {
    const handedOver: boolean[] = [];
    const { api, store } = newApi();
    const create = store.create.bind(store);
    store.create = (key, obj, opts) => {
      handedOver.push(opts?.handOver === true);
      return create(key, obj, opts);
    };
    await api.resource('Pod').create(pod('only-priority-admission'));
    api.addAdmissionHook({ name: 'config-maps-only', kinds: ['ConfigMap'], admit() {} });
    await api.resource('Pod').create(pod('hook-for-another-kind'));
    api.addAdmissionHook({ name: 'pods', kinds: ['Pod'], admit() {} });
    await api.resource('Pod').create(pod('hook-for-pods'));
    expect(handedOver.slice(-3)).toEqual([true, true, false]);
  });
});
