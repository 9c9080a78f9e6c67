import type { Authenticator, UserInfo } from './types.js';

export { alwaysAllowAuthorizer } from '@flotilla/core';

/** The user of requests no authenticator recognised, as Kubernetes names it. */
export const anonymousUser: UserInfo = Object.freeze({
  username: 'system:anonymous',
  groups: Object.freeze(['system:unauthenticated']) as string[],
});

/** Every request is the anonymous user: the loopback default, for examples and tests. */
export const anonymousAuthenticator: Authenticator = Object.freeze({
  authenticate: () => anonymousUser,
});
