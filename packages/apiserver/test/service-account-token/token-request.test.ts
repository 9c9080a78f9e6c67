import {
  generateServiceAccountSigningKey,
  RemoteApi,
  type ServiceAccountSigningKey,
  ServiceAccountTokenIssuer,
} from '@flotilla/core';
import { jwtVerify } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizationAttributes, encodeProtobufObject, PROTOBUF_CONTENT_TYPE } from '../../src/index.js';
import { send, servedApi } from '../server/served-api.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const TOKEN_PATH = (sa: string) => `/api/v1/namespaces/default/serviceaccounts/${sa}/token`;
const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

let key: ServiceAccountSigningKey;
let s: Awaited<ReturnType<typeof servedApi>> | undefined;
let seen: AuthorizationAttributes[] = [];
beforeAll(async () => {
  key = await generateServiceAccountSigningKey();
});
afterEach(async () => {
  await s?.close();
  s = undefined;
  seen = [];
});

/** A server issuing tokens with `key`, with a service account `builder`, its pod `web` and a secret `bound`. */
async function cluster() {
  s = await servedApi({
    serviceAccountTokens: new ServiceAccountTokenIssuer({ key }),
    authorizer: {
      authorize: (a) => {
        seen.push(a);
        return { decision: 'Allow', reason: '' };
      },
    },
  });
  const { api } = s;
  const account = await api.resource('ServiceAccount').create({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'builder', namespace: 'default' },
  });
  const pod = await api.resource('Pod').create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { serviceAccountName: 'builder', containers: [{ name: 'app', image: 'nginx' }] },
  });
  const secret = await api.resource('Secret').create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bound', namespace: 'default' },
  });
  return { ...s, account, pod, secret };
}

async function requestToken(spec: Record<string, unknown>, sa = 'builder') {
  if (!s) throw new Error('no cluster');
  return s.json('POST', TOKEN_PATH(sa), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });
}

async function tokenFor(spec: Record<string, unknown>): Promise<string> {
  const answer = await requestToken(spec);
  expect(answer.status).toBe(201);
  return answer.json.status.token;
}

function createConfigMapWith(token: string) {
  if (!s) throw new Error('no cluster');
  return send(s.url, 'POST', CONFIGMAPS, {
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'written' } }),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
  });
}

describe('the TokenRequest API (serviceaccounts/token)', () => {
  it("issues a JWT that jose verifies with the cluster's public key, carrying Kubernetes' claims", async () => {
    const { account, pod, clock } = await cluster();
    const answer = await requestToken({
      audiences: ['https://vault.example'],
      expirationSeconds: 1200,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' },
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: ['https://vault.example'], expirationSeconds: 1200 },
      status: { expirationTimestamp: '2026-01-01T00:20:00Z' },
    });
    const { payload, protectedHeader } = await jwtVerify(answer.json.status.token, key.publicKey, {
      issuer: ISSUER,
      audience: 'https://vault.example',
      currentDate: new Date(clock.now()),
    });
    const now = clock.now() / 1000;
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'system:serviceaccount:default:builder',
      aud: ['https://vault.example'],
      iat: now,
      nbf: now,
      exp: now + 1200,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'kubernetes.io': {
        namespace: 'default',
        serviceaccount: { name: 'builder', uid: account.metadata.uid },
        pod: { name: 'web', uid: pod.metadata.uid },
      },
    });
  });

  it('defaults to one hour and the API server audience; the token authenticates as the service account', async () => {
    const { account, pod } = await cluster();
    const token = await tokenFor({ boundObjectRef: { kind: 'Pod', name: 'web' } });
    const created = await createConfigMapWith(token);
    expect(created.status).toBe(201);
    expect(seen.at(-1)?.user).toEqual({
      username: 'system:serviceaccount:default:builder',
      uid: account.metadata.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^JTI=/)],
        'authentication.kubernetes.io/pod-name': ['web'],
        'authentication.kubernetes.io/pod-uid': [pod.metadata.uid],
      },
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect([claims.exp - claims.iat, claims.aud]).toEqual([3600, [ISSUER]]);
  });

  it('RemoteApi.requestToken asks the server, which binds the token to the pod', async () => {
    const { pod, url } = await cluster();
    const remote = new RemoteApi({ server: url });
    const answer = await remote.requestToken('default', 'builder', {
      spec: { boundObjectRef: { kind: 'Pod', name: 'web' } },
    });
    await remote.close();
    const claims = JSON.parse(Buffer.from(answer.status?.token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims['kubernetes.io'].pod).toEqual({ name: 'web', uid: pod.metadata.uid });
  });

  it('takes the TokenRequest as Kubernetes protobuf, as kubectl create token sends it', async () => {
    await cluster();
    const body = encodeProtobufObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: ['a'], expirationSeconds: 600 },
    });
    const answer = await send(s?.url ?? '', 'POST', TOKEN_PATH('builder'), {
      body: Buffer.from(body),
      headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE },
    });
    expect(answer.status).toBe(201);
    expect(answer.json.spec).toEqual({ audiences: ['a'], expirationSeconds: 600 });
  });

  // Refusals named as kube-apiserver's TokenRequest REST and validation name them.
  const refused: { name: string; spec: Record<string, unknown>; sa?: string; code: number; message: RegExp }[] = [
    {
      name: 'a lifetime under 10 minutes',
      spec: { expirationSeconds: 599 },
      code: 422,
      message: /spec\.expirationSeconds: may not specify a duration less than 10 minutes/,
    },
    {
      name: 'a lifetime over 2^32 seconds',
      spec: { expirationSeconds: 2 ** 32 + 1 },
      code: 422,
      message: /spec\.expirationSeconds: may not specify a duration larger than 2\^32 seconds/,
    },
    {
      name: 'a bound object that is neither a Pod nor a Secret',
      spec: { boundObjectRef: { kind: 'Node', name: 'n1' } },
      code: 422,
      message: /spec\.boundObjectRef\.kind: Unsupported value: "Node"/,
    },
    {
      name: 'a bound object without a name',
      spec: { boundObjectRef: { kind: 'Pod' } },
      code: 422,
      message: /spec\.boundObjectRef\.name: Required value/,
    },
    { name: 'a service account that does not exist', spec: {}, sa: 'ghost', code: 404, message: /not found/ },
    {
      name: 'a bound pod that does not exist',
      spec: { boundObjectRef: { kind: 'Pod', name: 'gone' } },
      code: 404,
      message: /pods "gone" not found/,
    },
    {
      name: 'a bound object with another uid',
      spec: { boundObjectRef: { kind: 'Secret', name: 'bound', uid: 'not-the-uid' } },
      code: 409,
      message: /the UID in the bound object reference \(not-the-uid\) does not match/,
    },
  ];
  it.each(refused)('refuses $name ($code)', async ({ spec, sa, code, message }) => {
    await cluster();
    const answer = await requestToken(spec, sa);
    expect(answer.status).toBe(code);
    expect(answer.json.message).toMatch(message);
  });

  it('refuses binding to a pod that runs as another service account (400)', async () => {
    const { api } = await cluster();
    await api.resource('ServiceAccount').create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'other', namespace: 'default' },
    });
    const answer = await requestToken({ boundObjectRef: { kind: 'Pod', name: 'web' } }, 'other');
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe(
      'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.',
    );
  });
});

type Cluster = Awaited<ReturnType<typeof cluster>>;

// Each way a bearer token stops being good; every one is a bare 401 and the write never happens.
const badTokens: {
  name: string;
  spec: Record<string, unknown>;
  spoil: (token: string, c: Cluster) => Promise<string>;
}[] = [
  {
    name: 'expired (past exp and the 60 s leeway)',
    spec: { expirationSeconds: 600 },
    spoil: async (token, c) => {
      await c.clock.step(661_000);
      return token;
    },
  },
  {
    name: 'tampered (payload names another account, signature kept)',
    spec: {},
    spoil: async (token) => {
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.sub = 'system:serviceaccount:kube-system:admin';
      return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    },
  },
  {
    name: 'for another audience',
    spec: { audiences: ['https://vault.example'] },
    spoil: async (token) => token,
  },
  {
    name: 'revoked: its bound pod was deleted',
    spec: { boundObjectRef: { kind: 'Pod', name: 'web' } },
    spoil: async (token, c) => {
      await c.api.resource('Pod').delete('default', 'web', { gracePeriodSeconds: 0 });
      return token;
    },
  },
  {
    name: 'revoked: its bound secret was deleted',
    spec: { boundObjectRef: { kind: 'Secret', name: 'bound' } },
    spoil: async (token, c) => {
      await c.api.resource('Secret').delete('default', 'bound');
      return token;
    },
  },
  {
    name: 'revoked: its service account was deleted and recreated (another uid)',
    spec: {},
    spoil: async (token, c) => {
      await c.api.resource('ServiceAccount').delete('default', 'builder');
      await c.api.resource('ServiceAccount').create({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'builder', namespace: 'default' },
      });
      return token;
    },
  },
  {
    name: 'signed by another key',
    spec: {},
    spoil: async (_token, c) => {
      const other = new ServiceAccountTokenIssuer({ key: await generateServiceAccountSigningKey() });
      return (await other.issue(c.api, 'default', 'builder', { spec: {} })).status?.token ?? '';
    },
  },
];

describe('the service account token authenticator', () => {
  it.each(badTokens)('refuses a token $name with 401, and nothing is written', async ({ spec, spoil }) => {
    const c = await cluster();
    const token = await spoil(await tokenFor(spec), c);
    const answer = await createConfigMapWith(token);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401, message: 'Unauthorized' });
    expect((await c.api.resource('ConfigMap').list({ namespace: 'default' })).items).toEqual([]);
    expect(seen.filter((a) => a.resource === 'configmaps')).toEqual([]);
  });

  it('the same token, unspoiled, writes (the table above fails for its spoiling alone)', async () => {
    const c = await cluster();
    const token = await tokenFor({ boundObjectRef: { kind: 'Pod', name: 'web' } });
    await c.clock.step(599_000);
    expect((await createConfigMapWith(token)).status).toBe(201);
  });

  it('a bearer token of another issuer is left to the next authenticator', async () => {
    await cluster();
    const answer = await createConfigMapWith('not-a-jwt');
    expect(answer.status).toBe(201);
    expect(seen.at(-1)?.user.username).toBe('system:anonymous');
  });
});
