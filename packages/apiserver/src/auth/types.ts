import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '@flotilla/core';

// Authorization is core's (the same chain checks `api.as(user)` in-process); the server adds authentication.
export type { AuthorizationAttributes, AuthorizationDecision, Authorizer, UserInfo } from '@flotilla/core';

/**
 * Finds who sent a request: a bearer token, a client certificate, ...
 * Returns `undefined` when the request carries no credentials this
 * authenticator understands; throws an `HttpStatusError` (401) when it
 * carries bad ones.
 */
export interface Authenticator {
  /** The request's user, `undefined` when it carries no credentials this authenticator knows (see above). */
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined> | UserInfo | undefined;
}
