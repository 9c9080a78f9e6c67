import type { Authenticator, AuthorizationAttributes, Authorizer, UserInfo } from '@flotilla/apiserver';
import { HttpStatusError } from '@flotilla/apiserver';

/** The verbs a read-only user may use: what `kubectl get` and the dashboard's watches need. */
const READ_VERBS = new Set(['get', 'list', 'watch']);

/**
 * Bearer tokens for the dashboard tests: an admin (`system:masters`) and a
 * read-only viewer. A request without a known token is refused with 401, as
 * a kube-apiserver with anonymous auth off refuses it.
 */
export const testTokens: Record<string, UserInfo> = {
  'admin-token': { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
  'viewer-token': { username: 'viewer', groups: ['system:authenticated'] },
  'no-pods-token': { username: 'no-pods', groups: ['system:authenticated'] },
};

/** Finds the user of a request's bearer token. */
export const tokenAuthenticator: Authenticator = {
  authenticate(req) {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const user = m ? testTokens[m[1]] : undefined;
    if (!user) throw new HttpStatusError(401, 'Unauthorized', 'Unauthorized');
    return user;
  },
};

/** What Kubernetes' `system:basic-user` lets every authenticated user do: ask what they may do. */
const selfReview = (a: AuthorizationAttributes) =>
  a.verb === 'create' &&
  a.apiGroup === 'authorization.k8s.io' &&
  (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews');

/**
 * `system:masters` may do everything; everyone else may only read (an RBAC
 * `view`-like role) and review their own access (`system:basic-user`), and
 * `no-pods` may read everything but pods.
 */
export const readOnlyUnlessMaster: Authorizer = {
  authorize(a: AuthorizationAttributes) {
    if (a.user.groups.includes('system:masters') || selfReview(a)) return { decision: 'Allow', reason: '' };
    if (a.user.username === 'no-pods' && a.resource === 'pods') return { decision: 'NoOpinion', reason: '' };
    if (READ_VERBS.has(a.verb)) return { decision: 'Allow', reason: '' };
    return { decision: 'NoOpinion', reason: '' };
  },
};
