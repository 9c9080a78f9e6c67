import { webcrypto } from 'node:crypto';
import { Api, FakeClock, Manager, MemoryStore, type Secret } from '@flotilla/core';
// jose is a dev dependency only: an independent JWS implementation to check ours against.
import { jwtVerify, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerServiceAccountControllers } from '../../src/service-account/register.js';
import {
  generateServiceAccountKey,
  type ServiceAccountKey,
  signServiceAccountToken,
  verifyServiceAccountToken,
} from '../../src/service-account/token-signing.js';

const identity = {
  namespace: 'team',
  serviceAccountName: 'builder',
  serviceAccountUid: 'u-1',
  secretName: 'builder-token-x',
};

describe('service account tokens', () => {
  const rsa = () =>
    webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
  const ec = () => webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const keys: { alg: string; key: () => Promise<ServiceAccountKey> }[] = [
    { alg: 'HS256', key: async () => generateServiceAccountKey() },
    { alg: 'RS256', key: async () => ({ alg: 'RS256', ...(await rsa()) }) },
    { alg: 'ES256', key: async () => ({ alg: 'ES256', ...(await ec()) }) },
  ];
  const verifying = (k: ServiceAccountKey) => (k.alg === 'HS256' ? k.secret : k.publicKey);
  const signing = (k: ServiceAccountKey) => (k.alg === 'HS256' ? k.secret : k.privateKey);

  it.each(keys)('round-trips with an $alg key, and agrees with jose both ways', async ({ alg, key: make }) => {
    const key = await make();
    const token = await signServiceAccountToken(identity, key);
    expect(await verifyServiceAccountToken(token, { key })).toEqual(identity);

    const { payload, protectedHeader } = await jwtVerify(token, verifying(key), {
      issuer: 'kubernetes/serviceaccount',
      algorithms: [alg],
    });
    expect(protectedHeader).toEqual({ alg, typ: 'JWT' });
    expect(payload.sub).toBe('system:serviceaccount:team:builder');

    const byJose = await new SignJWT({
      'kubernetes.io/serviceaccount/namespace': 'team',
      'kubernetes.io/serviceaccount/secret.name': 'builder-token-x',
      'kubernetes.io/serviceaccount/service-account.name': 'builder',
      'kubernetes.io/serviceaccount/service-account.uid': 'u-1',
    })
      .setProtectedHeader({ alg })
      .setIssuer('kubernetes/serviceaccount')
      .setSubject('system:serviceaccount:team:builder')
      .sign(signing(key));
    expect(await verifyServiceAccountToken(byJose, { key })).toEqual(identity);
  });

  it('refuses another algorithm than the key, expired tokens and malformed ones', async () => {
    const key = generateServiceAccountKey();
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    await expect(verifyServiceAccountToken(unsigned, { key })).rejects.toThrow(/algorithm none is not HS256/);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('kubernetes/serviceaccount')
      .setExpirationTime(1)
      .sign(key.alg === 'HS256' ? key.secret : new Uint8Array());
    await expect(verifyServiceAccountToken(expired, { key })).rejects.toThrow(/expired/);
    await expect(verifyServiceAccountToken('a.b', { key })).rejects.toThrow(/three dot-separated parts/);
    await expect(verifyServiceAccountToken('!.b.c', { key })).rejects.toThrow(/header is not a base64url JSON object/);
  });

  it('rejects a token signed with another key, a tampered token, and a revoked one', async () => {
    const key = generateServiceAccountKey();
    const token = await signServiceAccountToken(identity, key);
    await expect(verifyServiceAccountToken(token, { key: generateServiceAccountKey() })).rejects.toThrow(/signature/);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims['kubernetes.io/serviceaccount/service-account.name'] = 'admin';
    const forged = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
    await expect(verifyServiceAccountToken(forged, { key })).rejects.toThrow(/signature/);
    await expect(verifyServiceAccountToken(token, { key, stillValid: async () => false })).rejects.toThrow(/revoked/);
  });

  it('refuses a short HMAC key', async () => {
    const weak: ServiceAccountKey = { alg: 'HS256', secret: new Uint8Array(8) };
    await expect(signServiceAccountToken(identity, weak)).rejects.toThrow(/at least 32 bytes/);
  });
});

describe('service account controllers', () => {
  const clock = new FakeClock();
  let store: MemoryStore;
  let api: Api;
  let abort: AbortController;
  let manager: Manager;
  let key: ServiceAccountKey;

  beforeEach(async () => {
    store = new MemoryStore();
    api = new Api({ store, clock });
    abort = new AbortController();
    manager = new Manager({ api, clock });
    ({ key } = registerServiceAccountControllers(manager));
    await manager.start(abort.signal);
  });
  afterEach(async () => {
    abort.abort();
    await manager.stopped;
    await api.close();
    await store.close();
  });

  /**
   * Lets the controllers run until `check` passes: signing runs on WebCrypto's
   * thread pool, which settles outside the promise queue, so the number of
   * event-loop turns it takes depends on the machine's load, not on the clock.
   */
  async function eventually(check: () => Promise<unknown>): Promise<void> {
    for (let i = 0; ; i++) {
      await clock.flush();
      try {
        await check();
        return;
      } catch (err) {
        if (i >= 5000) throw err;
      }
    }
  }
  const tokenSecrets = async (ns: string) =>
    (await api.resource('Secret').list({ namespace: ns })).items.filter(
      (s) => s.type === 'kubernetes.io/service-account-token',
    );

  it('creates a default ServiceAccount in every namespace, and again after it is deleted', async () => {
    await api.resource('Namespace').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await eventually(async () => {
      for (const ns of ['default', 'kube-system', 'team']) {
        expect((await api.resource('ServiceAccount').get(ns, 'default')).metadata.name).toBe('default');
      }
    });
    const first = await api.resource('ServiceAccount').get('team', 'default');
    await api.resource('ServiceAccount').delete('team', 'default');
    await eventually(async () =>
      expect((await api.resource('ServiceAccount').get('team', 'default')).metadata.uid).not.toBe(first.metadata.uid),
    );
  });

  it('gives each account one token Secret whose token verifies and names it, and revokes it with the account', async () => {
    await api
      .resource('ServiceAccount')
      .create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'default' } });
    await eventually(async () =>
      expect((await api.resource('ServiceAccount').get('default', 'builder')).secrets).toHaveLength(1),
    );
    const sa = await api.resource('ServiceAccount').get('default', 'builder');
    const secrets = (await tokenSecrets('default')).filter(
      (s) => s.metadata.annotations?.['kubernetes.io/service-account.name'] === 'builder',
    );
    expect(secrets).toHaveLength(1);
    expect(sa.secrets).toEqual([{ name: secrets[0].metadata.name }]);
    const token = Buffer.from(secrets[0].data?.token ?? '', 'base64').toString();
    const stillValid = async (id: {
      namespace: string;
      serviceAccountName: string;
      serviceAccountUid: string;
      secretName: string;
    }) => {
      const account = await api
        .resource('ServiceAccount')
        .get(id.namespace, id.serviceAccountName)
        .catch(() => undefined);
      const secret = await api
        .resource('Secret')
        .get(id.namespace, id.secretName)
        .catch(() => undefined);
      return account?.metadata.uid === id.serviceAccountUid && secret !== undefined;
    };
    expect(await verifyServiceAccountToken(token, { key, stillValid })).toEqual({
      namespace: 'default',
      serviceAccountName: 'builder',
      serviceAccountUid: sa.metadata.uid,
      secretName: secrets[0].metadata.name,
    });

    await api.resource('ServiceAccount').delete('default', 'builder');
    await eventually(async () =>
      expect((await tokenSecrets('default')).filter((s) => s.metadata.name === secrets[0].metadata.name)).toEqual([]),
    );
    await expect(verifyServiceAccountToken(token, { key, stillValid })).rejects.toThrow(/revoked/);
  });

  it('fills in the token of a token Secret a user created for an account', async () => {
    const sa = await api
      .resource('ServiceAccount')
      .create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci', namespace: 'default' } });
    await eventually(async () =>
      expect((await api.resource('ServiceAccount').get('default', 'ci')).secrets).toHaveLength(1),
    );
    const manual: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: 'ci-manual',
        namespace: 'default',
        annotations: {
          'kubernetes.io/service-account.name': 'ci',
          'kubernetes.io/service-account.uid': sa.metadata.uid ?? '',
        },
      },
    };
    await api.resource('Secret').create(manual);
    await eventually(async () =>
      expect((await api.resource('Secret').get('default', 'ci-manual')).data?.token).toBeDefined(),
    );
    const filled = await api.resource('Secret').get('default', 'ci-manual');
    const id = await verifyServiceAccountToken(Buffer.from(filled.data?.token ?? '', 'base64').toString(), { key });
    expect(id.secretName).toBe('ci-manual');
  });
});
