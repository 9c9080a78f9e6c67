import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  type AuditLevel,
  type AuditPolicy,
  AuditPolicyError,
  type AuthorizationAttributes,
  auditLevelOf,
  auditLogFile,
  validateAuditPolicy,
} from '../../src/index.js';
import { servedApi } from '../server/served-api.js';

let s: Awaited<ReturnType<typeof servedApi>> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const CONFIGMAP = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } };
const NOW = '2026-01-01T00:00:00.000000Z';

/** A server auditing every request at `level` into `events`. */
async function audited(level: AuditLevel, extra: Partial<AuditPolicy> = {}) {
  const events: AuditEvent[] = [];
  s = await servedApi({ audit: { policy: { rules: [{ level }], ...extra }, sink: { write: (e) => events.push(e) } } });
  return events;
}

describe('audit events for a create', () => {
  it.each([
    { level: 'None' as const, stages: [], request: false, response: false },
    { level: 'Metadata' as const, stages: ['RequestReceived', 'ResponseComplete'], request: false, response: false },
    { level: 'Request' as const, stages: ['RequestReceived', 'ResponseComplete'], request: true, response: false },
    {
      level: 'RequestResponse' as const,
      stages: ['RequestReceived', 'ResponseComplete'],
      request: true,
      response: true,
    },
  ])('at $level', async ({ level, stages, request, response }) => {
    const events = await audited(level);
    const answer = await s?.json('POST', '/api/v1/namespaces/default/configmaps', CONFIGMAP);
    expect(answer?.status).toBe(201);
    await s?.close();
    s = undefined;
    expect(events.map((e) => e.stage)).toEqual(stages);
    if (stages.length === 0) return;
    const [received, complete] = events;
    expect(answer?.headers['audit-id']).toBe(received.auditID);
    expect(received).toEqual({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      stage: 'RequestReceived',
      requestURI: '/api/v1/namespaces/default/configmaps',
      verb: 'create',
      user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
      sourceIPs: ['127.0.0.1'],
      objectRef: { resource: 'configmaps', namespace: 'default', apiGroup: '', apiVersion: 'v1' },
      requestReceivedTimestamp: NOW,
      stageTimestamp: NOW,
    });
    expect(complete).toMatchObject({
      auditID: received.auditID,
      stage: 'ResponseComplete',
      objectRef: { resource: 'configmaps', namespace: 'default', name: 'cm', apiGroup: '', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      annotations: { 'authorization.k8s.io/decision': 'allow' },
    });
    expect(complete.requestObject).toEqual(request ? CONFIGMAP : undefined);
    expect((complete.responseObject as { data?: unknown } | undefined)?.data).toEqual(
      response ? { a: '1' } : undefined,
    );
  });

  it('a refused write records the Status reason and message; omitStages leaves RequestReceived out', async () => {
    const events = await audited('Metadata', { omitStages: ['RequestReceived'] });
    await s?.json('POST', '/api/v1/namespaces/default/configmaps', CONFIGMAP);
    await s?.json('POST', '/api/v1/namespaces/default/configmaps', CONFIGMAP);
    await s?.close();
    s = undefined;
    expect(events.map((e) => [e.stage, e.responseStatus?.code])).toEqual([
      ['ResponseComplete', 201],
      ['ResponseComplete', 409],
    ]);
    expect(events[1].responseStatus).toEqual({
      metadata: {},
      code: 409,
      status: 'Failure',
      reason: 'AlreadyExists',
      message: 'configmaps "cm" already exists',
    });
  });

  it("a request the authorizer refuses is audited with its 403 and the decision's annotations", async () => {
    const events: AuditEvent[] = [];
    s = await servedApi({
      audit: { policy: { rules: [{ level: 'Metadata' }] }, sink: { write: (e) => events.push(e) } },
      authorizer: { authorize: () => ({ decision: 'Deny', reason: 'read-only policy' }) },
    });
    expect((await s.json('POST', '/api/v1/namespaces/default/configmaps', CONFIGMAP)).status).toBe(403);
    await s.close();
    s = undefined;
    expect(events[1]).toMatchObject({
      stage: 'ResponseComplete',
      responseStatus: { code: 403, reason: 'Forbidden' },
      annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': 'read-only policy' },
    });
  });

  it('a watch records ResponseStarted when its headers go out, then ResponseComplete when it ends', async () => {
    const events = await audited('Metadata');
    const completed = new Promise<void>((resolve) => {
      const url = new URL(`${s?.url}/api/v1/namespaces/default/configmaps?watch=1`);
      const req = httpRequest(url, (res) => {
        res.destroy();
        req.destroy();
      });
      req.on('error', () => undefined);
      req.on('close', resolve);
      req.end();
    });
    await completed;
    await s?.close();
    s = undefined;
    expect(events.map((e) => [e.stage, e.verb, e.responseStatus?.code])).toEqual([
      ['RequestReceived', 'watch', undefined],
      ['ResponseStarted', 'watch', 200],
      ['ResponseComplete', 'watch', 200],
    ]);
  });

  it('auditLogFile writes one JSON event per line, as --audit-log-path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-audit-'));
    const log = auditLogFile(join(dir, 'audit.log'));
    s = await servedApi({ audit: { policy: { rules: [{ level: 'Request' }] }, sink: log } });
    await s.json('POST', '/api/v1/namespaces/default/configmaps', CONFIGMAP);
    await s.close();
    s = undefined;
    await log.close();
    const lines = (await readFile(join(dir, 'audit.log'), 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).stage)).toEqual(['RequestReceived', 'ResponseComplete']);
    expect(JSON.parse(lines[1]).requestObject).toEqual(CONFIGMAP);
    await rm(dir, { recursive: true, force: true });
  });
});

/** Request attributes as the server builds them. */
function attrs(
  over: Partial<Omit<AuthorizationAttributes, 'user'>> & { user?: Partial<AuthorizationAttributes['user']> },
) {
  const { user, ...rest } = over;
  return {
    verb: 'get',
    resourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'pods',
    subresource: '',
    namespace: 'default',
    name: 'web',
    path: '/api/v1/namespaces/default/pods/web',
    ...rest,
    user: { username: 'alice', groups: ['system:authenticated'], ...user },
  } as AuthorizationAttributes;
}

// The example policy of Kubernetes' auditing documentation (kubernetes.io/docs/tasks/debug/debug-cluster/audit/,
// audit-policy.yaml), as data; each case names the rule it should hit.
const documentedPolicy = validateAuditPolicy({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'RequestResponse', resources: [{ group: '', resources: ['pods'] }] },
    { level: 'Metadata', resources: [{ group: '', resources: ['pods/log', 'pods/status'] }] },
    { level: 'None', resources: [{ group: '', resources: ['configmaps'], resourceNames: ['controller-leader'] }] },
    {
      level: 'None',
      users: ['system:kube-proxy'],
      verbs: ['watch'],
      resources: [{ group: '', resources: ['endpoints', 'services'] }],
    },
    { level: 'None', userGroups: ['system:authenticated'], nonResourceURLs: ['/api*', '/version'] },
    { level: 'Request', resources: [{ group: '', resources: ['configmaps'] }], namespaces: ['kube-system'] },
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps'] }] },
    { level: 'Request', resources: [{ group: '' }, { group: 'extensions' }] },
    { level: 'Metadata', omitStages: ['RequestReceived'] },
  ],
});

const policyTable: { name: string; a: AuthorizationAttributes; level: AuditLevel }[] = [
  { name: 'pods at RequestResponse', a: attrs({}), level: 'RequestResponse' },
  { name: 'pods/log at Metadata', a: attrs({ subresource: 'log' }), level: 'Metadata' },
  {
    name: 'pods/exec: no rule for it in the core group but the group-wide one',
    a: attrs({ subresource: 'exec' }),
    level: 'Request',
  },
  {
    name: 'the leader configmap not at all',
    a: attrs({ resource: 'configmaps', name: 'controller-leader' }),
    level: 'None',
  },
  {
    name: 'kube-proxy watching endpoints not at all',
    a: attrs({ resource: 'endpoints', verb: 'watch', name: '', user: { username: 'system:kube-proxy' } }),
    level: 'None',
  },
  {
    name: 'kube-proxy listing endpoints at Request',
    a: attrs({ resource: 'endpoints', verb: 'list', name: '', user: { username: 'system:kube-proxy' } }),
    level: 'Request',
  },
  {
    name: 'discovery by an authenticated user not at all',
    a: attrs({ resourceRequest: false, path: '/apis/apps/v1', resource: '', name: '' }),
    level: 'None',
  },
  {
    name: '/version not at all',
    a: attrs({ resourceRequest: false, path: '/version', resource: '', name: '' }),
    level: 'None',
  },
  {
    name: '/healthz by the catch-all at Metadata',
    a: attrs({ resourceRequest: false, path: '/healthz', resource: '', name: '' }),
    level: 'Metadata',
  },
  {
    name: 'configmaps in kube-system at Request',
    a: attrs({ resource: 'configmaps', namespace: 'kube-system', name: 'x' }),
    level: 'Request',
  },
  { name: 'secrets at Metadata', a: attrs({ resource: 'secrets', name: 's' }), level: 'Metadata' },
  {
    name: 'deployments (apps) by the catch-all at Metadata',
    a: attrs({ apiGroup: 'apps', resource: 'deployments' }),
    level: 'Metadata',
  },
];

describe('audit policy rules', () => {
  it.each(policyTable)('$name', ({ a, level }) => {
    expect(auditLevelOf(documentedPolicy, a).level).toBe(level);
  });

  it('omitStages joins the policy and the rule', () => {
    expect(
      auditLevelOf(
        { omitStages: ['Panic'], rules: [{ level: 'Metadata', omitStages: ['RequestReceived'] }] },
        attrs({}),
      ).omitStages,
    ).toEqual(['Panic', 'RequestReceived']);
  });

  it.each([
    { policy: { rules: [{ level: 'Everything' }] }, field: 'rules[0].level' },
    { policy: {}, field: 'rules' },
    { policy: { rules: [{ level: 'None', omitStages: ['Sometime'] }] }, field: 'rules[0].omitStages[0]' },
    {
      policy: { rules: [{ level: 'None', nonResourceURLs: ['/x'], namespaces: ['a'] }] },
      field: 'rules[0].nonResourceURLs',
    },
  ])('refuses a policy with a bad $field', ({ policy, field }) => {
    expect(() => validateAuditPolicy(policy)).toThrow(AuditPolicyError);
    expect(() => validateAuditPolicy(policy)).toThrow(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: `));
  });
});
