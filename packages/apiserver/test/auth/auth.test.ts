import { afterEach, describe, expect, it } from 'vitest';
import type { AuthorizationAttributes, Authorizer } from '../../src/index.js';
import { pod, send, servedApi } from '../server/served-api.js';

let s: Awaited<ReturnType<typeof servedApi>> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** Records what it was asked and allows only reads. */
function readOnly(seen: AuthorizationAttributes[]): Authorizer {
  return {
    authorize: (a) => {
      seen.push(a);
      return ['get', 'list', 'watch'].includes(a.verb)
        ? { decision: 'Allow', reason: '' }
        : { decision: 'Deny', reason: 'read-only policy' };
    },
  };
}

describe('pluggable authentication and authorization', () => {
  it("the authorizer is asked with Kubernetes' request attributes; a denial is a 403 Status and nothing is written", async () => {
    const seen: AuthorizationAttributes[] = [];
    s = await servedApi({
      authenticator: {
        authenticate: (req) => ({ username: String(req.headers['x-user'] ?? 'nobody'), groups: ['devs'] }),
      },
      authorizer: readOnly(seen),
    });
    const denied = await send(s.url, 'POST', '/api/v1/namespaces/default/pods', {
      body: JSON.stringify(pod('web')),
      headers: { 'Content-Type': 'application/json', 'X-User': 'alice' },
    });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    expect(denied.json.message).toBe(
      'pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "default": read-only policy',
    );
    expect(seen.at(-1)).toEqual({
      user: { username: 'alice', groups: ['devs'] },
      verb: 'create',
      resourceRequest: true,
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'pods',
      subresource: '',
      namespace: 'default',
      name: '',
      path: '/api/v1/namespaces/default/pods',
    });
    expect((await s.json('GET', '/api/v1/namespaces/default/pods')).json.items).toEqual([]);
  });

  it.each([
    [
      'GET',
      '/apis/apps/v1/namespaces/ns1/deployments/web/scale',
      { verb: 'get', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web', namespace: 'ns1' },
    ],
    ['GET', '/api/v1/pods?watch=1', { verb: 'watch', resource: 'pods', namespace: '' }],
    ['DELETE', '/api/v1/namespaces/ns1/pods', { verb: 'deletecollection', resource: 'pods', namespace: 'ns1' }],
    ['GET', '/api/v1/namespaces/ns1', { verb: 'get', resource: 'namespaces', name: 'ns1', namespace: 'ns1' }],
    [
      'PUT',
      '/api/v1/namespaces/ns1/finalize',
      { verb: 'update', resource: 'namespaces', name: 'ns1', subresource: 'finalize' },
    ],
    ['GET', '/apis', { verb: 'get', resourceRequest: false, path: '/apis' }],
  ])('%s %s is asked as %j', async (method, path, expected) => {
    const seen: AuthorizationAttributes[] = [];
    const recordOnly: Authorizer = {
      authorize: (a) => {
        seen.push(a);
        return { decision: 'Deny', reason: '' };
      },
    };
    s = await servedApi({ authorizer: recordOnly });
    await send(s.url, method, path);
    expect(seen[0]).toMatchObject(expected);
  });

  it('an authenticator that recognises no one makes every request a 401 Status', async () => {
    s = await servedApi({ authenticator: { authenticate: () => undefined } });
    const r = await send(s.url, 'GET', '/api/v1/namespaces/default/pods');
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });
});
