import type { Authenticator } from './types.js';

/**
 * Authenticators tried in order, first match wins (kube-apiserver's
 * authenticator union): one that returns `undefined` passes the request on;
 * one that throws (credentials it recognises but refuses, a 401) ends the
 * chain, so a bad token never falls through to anonymous.
 */
export function unionAuthenticator(authenticators: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(req) {
      for (const authenticator of authenticators) {
        const user = await authenticator.authenticate(req);
        if (user) return user;
      }
      return undefined;
    },
  };
}
