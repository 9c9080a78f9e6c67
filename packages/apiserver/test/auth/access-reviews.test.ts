import { AbacAuthorizer, Api, MemoryStore } from '@flotilla/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer } from '../../src/index.js';

const line = (spec: object) =>
  JSON.stringify({ apiVersion: 'abac.authorization.kubernetes.io/v1beta1', kind: 'Policy', spec });
// Anonymous may post reviews; alice may read pods in `team`. ABAC lists no rules, so rules reviews are incomplete.
const policy = [
  line({ group: 'system:unauthenticated', apiGroup: 'authorization.k8s.io', resource: '*', namespace: '*' }),
  line({ user: 'alice', readonly: true, resource: 'pods', namespace: 'team' }),
].join('\n');

describe('authorization.k8s.io/v1 reviews over HTTP (JSON)', () => {
  const store = new MemoryStore();
  const api = new Api({ store });
  const server = new ApiServer({ api, authorizer: AbacAuthorizer.fromPolicyFile(policy) });
  let url = '';
  beforeAll(async () => {
    url = (await server.listen({ port: 0 })).url;
  });
  afterAll(async () => {
    await server.stop();
    await api.close();
    await store.close();
  });

  const post = async (resource: string, body: object) => {
    const res = await fetch(`${url}/apis/authorization.k8s.io/v1/${resource}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { code: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it.each([
    ['get pods in team', { verb: 'get', resource: 'pods', namespace: 'team' }, true],
    ['delete pods in team', { verb: 'delete', resource: 'pods', namespace: 'team' }, false],
    ['get pods elsewhere', { verb: 'get', resource: 'pods', namespace: 'other' }, false],
  ])('a SubjectAccessReview for alice: %s', async (_, resourceAttributes, allowed) => {
    const answer = await post('subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'alice', groups: ['system:authenticated'], resourceAttributes },
    });
    expect(answer.code).toBe(201);
    expect(answer.body).toMatchObject({ kind: 'SubjectAccessReview', status: { allowed } });
  });

  it('a SelfSubjectAccessReview answers for the caller (anonymous here)', async () => {
    const answer = await post('selfsubjectaccessreviews', {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team' } },
    });
    expect(answer.body.status).toEqual({ allowed: false, reason: 'No policy matched.' });
  });

  it('a SelfSubjectRulesReview is incomplete when no authorizer lists rules', async () => {
    const answer = await post('selfsubjectrulesreviews', { spec: { namespace: 'team' } });
    expect(answer.body.status).toMatchObject({ incomplete: true, resourceRules: [], nonResourceRules: [] });
  });

  it('refuses a review without attributes (422) and a subject review without a subject', async () => {
    const noAttributes = await post('selfsubjectaccessreviews', { spec: {} });
    expect([noAttributes.code, noAttributes.body.reason]).toEqual([422, 'Invalid']);
    const noSubject = await post('subjectaccessreviews', { spec: { resourceAttributes: { verb: 'get' } } });
    expect([noSubject.code, noSubject.body.reason]).toEqual([422, 'Invalid']);
  });
});
