import type { Authenticator, AuthorizationDecision, Authorizer, UserInfo } from './types.js';

/** The user of requests no authenticator recognised, as Kubernetes names it. */
export const anonymousUser: UserInfo = Object.freeze({
  username: 'system:anonymous',
  groups: Object.freeze(['system:unauthenticated']) as string[],
});

/** Every request is the anonymous user: the loopback default, for examples and tests. */
export const anonymousAuthenticator: Authenticator = Object.freeze({
  authenticate: () => anonymousUser,
});

const allowed: AuthorizationDecision = Object.freeze({ decision: 'Allow', reason: 'AlwaysAllow' });

/** Allows everything (Kubernetes' `--authorization-mode=AlwaysAllow`): the loopback default. */
export const alwaysAllowAuthorizer: Authorizer = Object.freeze({
  authorize: () => allowed,
});
