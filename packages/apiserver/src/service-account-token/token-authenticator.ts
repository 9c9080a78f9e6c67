import type { IncomingMessage } from 'node:http';
import {
  type ServiceAccountTokenIssuer,
  ServiceAccountTokenRejectedError,
  serviceAccountGroups,
  type TokenApi,
} from '@flotilla/core';
import type { Authenticator, UserInfo } from '../auth/types.js';
import { HttpStatusError } from '../errors/http-status-error.js';

/** The token of an `Authorization: Bearer <token>` header, if the request carries one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Options of `serviceAccountTokenAuthenticator`. */
export interface ServiceAccountTokenAuthenticatorOptions {
  /** Audiences accepted. Default: the issuer's API audiences. */
  audiences?: readonly string[];
}

/**
 * Kubernetes' service account token authenticator: a bearer token this
 * issuer signed is verified (signature, expiry, audience, and that the
 * account and bound pod or secret still exist with the token's uids); the
 * user is `system:serviceaccount:<ns>:<name>` with the account's uid, the
 * groups `system:serviceaccounts`, `system:serviceaccounts:<ns>` and
 * `system:authenticated`, and the bound pod in `extra`
 * (`authentication.kubernetes.io/pod-name`, `pod-uid`, `node-name`,
 * `node-uid`, `credential-id`).
 *
 * A request without a bearer token, or with one another issuer made, is
 * left to the next authenticator (`undefined`); a token of this issuer that
 * fails any check is refused with 401, as kube-apiserver does.
 */
export function serviceAccountTokenAuthenticator(
  api: TokenApi,
  issuer: ServiceAccountTokenIssuer,
  options: ServiceAccountTokenAuthenticatorOptions = {},
): Authenticator {
  const verified = async (token: string): Promise<UserInfo> => {
    try {
      const claims = await issuer.verify(api, token, options.audiences);
      const { namespace, serviceaccount, pod, node } = claims.kubernetes;
      const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.id}`] };
      if (pod) {
        extra['authentication.kubernetes.io/pod-name'] = [pod.name];
        extra['authentication.kubernetes.io/pod-uid'] = [pod.uid];
      }
      if (node) {
        extra['authentication.kubernetes.io/node-name'] = [node.name];
        extra['authentication.kubernetes.io/node-uid'] = [node.uid];
      }
      const user: UserInfo = {
        username: claims.subject,
        uid: serviceaccount.uid,
        groups: serviceAccountGroups(namespace),
        extra,
      };
      return user;
    } catch (err) {
      // kube-apiserver answers every failed authentication with a bare 401: why is for its log, not the client.
      if (err instanceof ServiceAccountTokenRejectedError)
        throw new HttpStatusError(401, 'Unauthorized', 'Unauthorized');
      throw err;
    }
  };
  return {
    // Synchronous for a request without this issuer's token: most carry none, and a promise per request adds up.
    authenticate(req) {
      const token = bearerToken(req);
      return token && issuer.issued(token) ? verified(token) : undefined;
    },
  };
}
