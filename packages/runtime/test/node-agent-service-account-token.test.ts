import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AuthorizedApi,
  type Authorizer,
  alwaysDenyAuthorizer,
  generateServiceAccountSigningKey,
  InformerFactory,
  NodeAuthorizer,
  type Pod,
  SERVICE_ACCOUNT_MOUNT_PATH,
  type ServiceAccountSigningKey,
  ServiceAccountTokenIssuer,
  serviceAccountAdmission,
} from '@flotilla/core';
import { decodeJwt, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { advance, getPod, type Harness, pod, start, until } from './agent-harness.js';

let key: ServiceAccountSigningKey;
beforeAll(async () => {
  key = await generateServiceAccountSigningKey();
});

/** An agent whose Api issues tokens and runs the ServiceAccount admission, with the `default` account. */
async function cluster(): Promise<{ h: Harness; issuer: ServiceAccountTokenIssuer }> {
  const issuer = new ServiceAccountTokenIssuer({ key });
  const h = await start({
    api: { serviceAccountTokens: issuer, admission: [serviceAccountAdmission(() => h.api.resource('ServiceAccount'))] },
  });
  await h.api.resource('ServiceAccount').create({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: 'default' },
  });
  return { h, issuer };
}

/** The host directory mounted at the service account path in the running `app` container. */
async function tokenDir(h: Harness): Promise<string> {
  const [c] = await h.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
  const mount = h.runtime.containerConfig(c.id).mounts?.find((m) => m.containerPath === SERVICE_ACCOUNT_MOUNT_PATH);
  if (!mount) throw new Error(`no mount at ${SERVICE_ACCOUNT_MOUNT_PATH}`);
  expect(mount.readonly).toBe(true);
  return mount.hostPath;
}

const running = (h: Harness, name: string) => async () => (await getPod(h, name)).status?.phase === 'Running';

describe('the projected service account token', () => {
  it('admission adds the kube-api-access volume; the agent mounts a bound token, the namespace, and refreshes the token at 80% of its life', async () => {
    const { h, issuer } = await cluster();
    const created = await h.api.resource('Pod').create(pod('web'));
    const volume = created.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    expect(volume?.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    await until(h, running(h, 'web'));
    const dir = await tokenDir(h);
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    expect(read('namespace')).toBe('default');

    const first = read('token');
    const { payload } = await jwtVerify(first, key.publicKey, { currentDate: new Date(h.clock.now()) });
    expect(payload.sub).toBe('system:serviceaccount:default:default');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3607);
    const node = await h.api.resource('Node').get('node-a');
    expect(payload['kubernetes.io']).toMatchObject({
      pod: { name: 'web', uid: created.metadata.uid },
      node: { name: 'node-a', uid: node.metadata.uid },
    });

    // 3607 s * 0.8 = 2885.6 s: resyncs (every 60 s) before that keep the token, the first after it renews it.
    await advance(h, 2820_000, 10_000);
    expect(read('token')).toBe(first);
    // Up to 10 fake minutes (still before expiry): on a loaded machine the renewal's signing and file writes
    // take many real turns, and fake time keeps stepping meanwhile.
    await until(h, async () => read('token') !== first, 600_000);
    const renewed = decodeJwt(read('token'));
    expect((renewed.iat ?? 0) - (payload.iat ?? 0)).toBeGreaterThanOrEqual(2885);
    expect((await issuer.verify(h.api, read('token'))).kubernetes.pod?.name).toBe('web');
  });

  it.each([
    { name: 'the pod opts out', podSays: false, accountSays: undefined, mounted: false },
    { name: 'its account opts out', podSays: undefined, accountSays: false, mounted: false },
    { name: 'the pod opts in over its account', podSays: true, accountSays: false, mounted: true },
  ])('automountServiceAccountToken is honoured: $name', async ({ podSays, accountSays, mounted }) => {
    const { h } = await cluster();
    await h.api.resource('ServiceAccount').create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'quiet', namespace: 'default' },
      ...(accountSays === undefined ? {} : { automountServiceAccountToken: accountSays }),
    });
    const spec = {
      serviceAccountName: 'quiet',
      ...(podSays === undefined ? {} : { automountServiceAccountToken: podSays }),
    };
    const created = await h.api.resource('Pod').create(pod('p', spec));
    const mounts = created.spec.containers[0].volumeMounts ?? [];
    expect(mounts.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)).toBe(mounted);
  });

  it('a pod whose service account does not exist is refused, and nothing is written', async () => {
    const { h } = await cluster();
    await expect(h.api.resource('Pod').create(pod('orphan', { serviceAccountName: 'ghost' }))).rejects.toThrow(
      'pods "orphan" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found',
    );
    expect((await h.api.resource('Pod').list({ namespace: 'default' })).items).toEqual([]);
  });
});

describe('the agent under its own identity (system:node:node-a, through the Node authorizer)', () => {
  it("mounts its pod's token through requestToken, which the Node authorizer allows only for its pods' accounts", async () => {
    const abort = new AbortController();
    let chain: Authorizer = alwaysDenyAuthorizer;
    let nodeApi: AuthorizedApi | undefined;
    const h = await start({
      api: {
        serviceAccountTokens: new ServiceAccountTokenIssuer({ key }),
        admission: [serviceAccountAdmission(() => h.api.resource('ServiceAccount'))],
        authorizer: { authorize: (a) => chain.authorize(a) },
      },
      agentApi: async (api) => {
        // The authorizer reads pods through the trusted Api, as kube-apiserver reads its own storage.
        const informers = new InformerFactory(api);
        chain = new NodeAuthorizer(informers.for<Pod>('Pod').cache);
        informers.start(abort.signal);
        await informers.waitForSync();
        nodeApi = api.as({ user: 'system:node:node-a', groups: ['system:nodes'] });
        return nodeApi;
      },
    });
    try {
      for (const name of ['default', 'elsewhere']) {
        await h.api
          .resource('ServiceAccount')
          .create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default' } });
      }
      await h.api.resource('Pod').create(pod('web'));
      await until(h, running(h, 'web'));
      const token = readFileSync(join(await tokenDir(h), 'token'), 'utf8');
      expect(decodeJwt(token).sub).toBe('system:serviceaccount:default:default');
      await expect(nodeApi?.requestToken('default', 'elsewhere', { spec: {} })).rejects.toThrow(
        'serviceaccounts "elsewhere" is forbidden: User "system:node:node-a" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default": no relationship found between node \'node-a\' and this object',
      );
    } finally {
      abort.abort();
    }
  });
});
