import type { IncomingMessage } from 'node:http';
import { AbacAuthorizer, type UserInfo } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { impersonatedUser } from '../../src/auth/impersonation.js';
import { HttpStatusError } from '../../src/errors/http-status-error.js';

/** A request with these headers, as Node gives them: distinct values by name, and the raw name/value pairs. */
const request = (headers: Record<string, string[]>) =>
  ({
    headersDistinct: headers,
    rawHeaders: Object.entries(headers).flatMap(([name, values]) => values.flatMap((value) => [name, value])),
  }) as unknown as IncomingMessage;
const admin: UserInfo = { username: 'admin', groups: ['system:authenticated'] };
const line = (spec: object) =>
  JSON.stringify({ apiVersion: 'abac.authorization.kubernetes.io/v1beta1', kind: 'Policy', spec });
// admin may impersonate users and groups; nothing else.
const authorizer = AbacAuthorizer.fromPolicyFile(
  [
    line({ user: 'admin', resource: 'users', namespace: '*' }),
    line({ user: 'admin', resource: 'groups', namespace: '*' }),
  ].join('\n'),
);

describe('impersonatedUser', () => {
  it('is the authenticated user without Impersonate headers', async () => {
    expect(await impersonatedUser(request({}), admin, authorizer)).toBe(admin);
  });

  it('acts as the named user and groups, joined to system:authenticated', async () => {
    const user = await impersonatedUser(
      request({ 'impersonate-user': ['bob'], 'impersonate-group': ['dev', 'ops'] }),
      admin,
      authorizer,
    );
    expect(user).toEqual({ username: 'bob', groups: ['dev', 'ops', 'system:authenticated'] });
  });

  it.each([
    [
      'a user the caller may not impersonate',
      { username: 'bob', groups: [] },
      { 'impersonate-user': ['root'] },
      'users "root" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope: No policy matched.',
    ],
    [
      'a service account (authorized as serviceaccounts in its namespace)',
      admin,
      { 'impersonate-user': ['system:serviceaccount:kube-system:builder'] },
      'serviceaccounts "builder" is forbidden: User "admin" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system": No policy matched.',
    ],
    [
      'a uid',
      admin,
      { 'impersonate-user': ['bob'], 'impersonate-uid': ['u-1'] },
      'uids.authentication.k8s.io "u-1" is forbidden: User "admin" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope: No policy matched.',
    ],
  ])("refuses %s in kube-apiserver's words (with the authorizer's reason)", async (_, caller, headers, message) => {
    const err = await impersonatedUser(request(headers), caller, authorizer).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpStatusError);
    expect([(err as HttpStatusError).code, (err as Error).message]).toEqual([403, message]);
  });

  it('refuses groups without a user (400)', async () => {
    await expect(impersonatedUser(request({ 'impersonate-group': ['dev'] }), admin, authorizer)).rejects.toMatchObject({
      code: 400,
    });
  });
});
