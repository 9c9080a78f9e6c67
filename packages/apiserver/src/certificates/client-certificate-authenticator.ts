import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { userInfoOf } from '@flotilla/core';
import type { Authenticator } from '../auth/types.js';
import { HttpStatusError } from '../errors/http-status-error.js';

/** One subject attribute as Node reports it: a string, or an array when the name repeats it. */
function values(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Kubernetes' x509 authenticator (`--client-ca-file`): a client certificate
 * that TLS verified against the client CA the server listens with
 * (`ApiServer.listen({ clientCa })`) names the user by its subject CN and
 * the groups by its O attributes, plus `system:authenticated`.
 *
 * A request without a client certificate, over plain HTTP, or whose
 * certificate has no CN is passed on (`undefined`); a certificate that
 * does not verify (another CA, expired, not for `clientAuth`) is refused
 * with 401, so it never falls through to anonymous.
 */
export function clientCertificateAuthenticator(): Authenticator {
  return {
    authenticate(req: IncomingMessage) {
      const socket = req.socket;
      if (!(socket instanceof TLSSocket)) return undefined;
      const cert = socket.getPeerCertificate();
      // Node reports "no certificate" as an empty object.
      if (!cert?.raw) return undefined;
      // kube-apiserver answers every failed authentication with a bare 401: why is for its log, not the client.
      if (!socket.authorized) throw new HttpStatusError(401, 'Unauthorized', 'Unauthorized');
      const [user] = values(cert.subject?.CN);
      if (!user) return undefined;
      return userInfoOf({ user, groups: values(cert.subject?.O) });
    },
  };
}
