import type { IncomingMessage } from 'node:http';
import { type AuthorizationAttributes, type Authorizer, forbiddenMessage, type UserInfo } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';

const AUTHENTICATED = 'system:authenticated';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
const EXTRA_PREFIX = 'impersonate-extra-';

/** The values of a header sent once or more. */
function headerValues(req: IncomingMessage, name: string): string[] {
  return req.headersDistinct[name] ?? [];
}

/**
 * Whether any header asks for impersonation, read from the raw header names:
 * nearly no request does, and `headersDistinct` builds a copy of every
 * header to say so.
 */
function asksImpersonation(req: IncomingMessage): boolean {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length > 12 && name.slice(0, 12).toLowerCase() === 'impersonate-') return true;
  }
  return false;
}

/** What impersonating `kind` `name` is authorized as (Kubernetes' impersonation filter). */
function impersonationAttributes(
  user: UserInfo,
  kind: 'users' | 'groups' | 'uids' | 'userextras',
  name: string,
  extraKey = '',
): AuthorizationAttributes {
  const base = {
    user,
    verb: 'impersonate',
    resourceRequest: true,
    apiVersion: 'v1',
    subresource: '',
    namespace: '',
    name,
    path: '',
  };
  if (kind === 'users' && name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const [namespace = '', saName = ''] = name.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
    return { ...base, apiGroup: '', resource: 'serviceaccounts', namespace, name: saName };
  }
  if (kind === 'uids' || kind === 'userextras') {
    return { ...base, apiGroup: 'authentication.k8s.io', resource: kind, subresource: extraKey };
  }
  return { ...base, apiGroup: '', resource: kind };
}

/**
 * The user a request acts as: the authenticated user, or the one its
 * `Impersonate-User` / `Impersonate-Group` / `Impersonate-Uid` /
 * `Impersonate-Extra-*` headers name, after the authenticated user is
 * authorized to `impersonate` each of them (users, groups, uids and
 * userextras; a ServiceAccount user as `serviceaccounts`), as kube-apiserver
 * does. An impersonated user other than `system:anonymous` is in
 * `system:authenticated`.
 *
 * @throws HttpStatusError 403 in kube-apiserver's words when one is not
 * allowed; 400 when groups or extras come without a user.
 */
export async function impersonatedUser(
  req: IncomingMessage,
  user: UserInfo,
  authorizer: Authorizer,
): Promise<UserInfo> {
  if (!asksImpersonation(req)) return user;
  const [username, ...more] = headerValues(req, 'impersonate-user');
  const groups = headerValues(req, 'impersonate-group');
  const uid = headerValues(req, 'impersonate-uid')[0];
  const extraKeys = Object.keys(req.headersDistinct).filter((h) => h.startsWith(EXTRA_PREFIX));
  if (username === undefined) {
    if (groups.length || uid !== undefined || extraKeys.length) {
      throw new HttpStatusError(
        400,
        'BadRequest',
        'requested impersonation of groups or extras without impersonating a user',
      );
    }
    return user;
  }
  if (more.length) throw new HttpStatusError(400, 'BadRequest', 'only one Impersonate-User header may be sent');
  const extra: Record<string, string[]> = {};
  const asks = [
    impersonationAttributes(user, 'users', username),
    ...groups.map((g) => impersonationAttributes(user, 'groups', g)),
    ...(uid !== undefined ? [impersonationAttributes(user, 'uids', uid)] : []),
  ];
  for (const header of extraKeys) {
    const key = decodeURIComponent(header.slice(EXTRA_PREFIX.length));
    extra[key] = headerValues(req, header);
    for (const value of extra[key]) asks.push(impersonationAttributes(user, 'userextras', value, key));
  }
  for (const ask of asks) {
    const decision = await authorizer.authorize(ask);
    if (decision.decision !== 'Allow') {
      throw new HttpStatusError(403, 'Forbidden', forbiddenMessage(ask, decision.reason));
    }
  }
  const allGroups = [...groups];
  if (!groups.length && username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    // A ServiceAccount's groups follow from its name; Kubernetes adds them when none are asked for.
    const namespace = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':')[0];
    allGroups.push('system:serviceaccounts', `system:serviceaccounts:${namespace}`);
  }
  if (username !== 'system:anonymous' && !allGroups.includes(AUTHENTICATED)) allGroups.push(AUTHENTICATED);
  return {
    username,
    groups: allGroups,
    ...(uid !== undefined ? { uid } : {}),
    ...(extraKeys.length ? { extra } : {}),
  };
}
