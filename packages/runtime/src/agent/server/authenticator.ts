import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Who may call the node agent's API. Only these callers get in; everything
 * else is refused (Kubernetes' kubelet with anonymous auth off and the
 * Webhook authorizer replaced by these fixed rules).
 */
export interface KubeletAuthOptions {
  /** Bearer tokens that are let in (`Authorization: Bearer <token>`): node-scoped users, test clients. */
  tokens?: string[];
  /**
   * PEM CA certificate(s): a client certificate they sign is let in (the
   * apiserver's `--kubelet-client-certificate` identity).
   */
  clientCA?: string | string[];
  /** With `clientCA`: only certificates with one of these common names; others are refused with 403. Default: every certificate it signs. */
  clientCommonNames?: string[];
}

/** The outcome of authenticating one request. */
export type AuthDecision = { allowed: true; user: string } | { allowed: false; status: 401 | 403; message: string };

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Checks a request against `KubeletAuthOptions`: a verified client
 * certificate (by the TLS handshake against `clientCA`), else a bearer
 * token (compared in constant time). No credentials or wrong ones: 401;
 * a valid certificate whose name is not allowed: 403.
 */
export function authenticate(req: IncomingMessage, options: KubeletAuthOptions): AuthDecision {
  const socket = req.socket as TLSSocket;
  if (socket.authorized && typeof socket.getPeerCertificate === 'function') {
    const cn = socket.getPeerCertificate()?.subject?.CN;
    const name = Array.isArray(cn) ? cn[0] : cn;
    const allowed = options.clientCommonNames;
    if (allowed && !allowed.includes(name ?? '')) {
      return { allowed: false, status: 403, message: `user "${name}" may not use the node agent's API` };
    }
    return { allowed: true, user: name ?? 'client-certificate' };
  }
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match) {
    const given = digest(match[1]);
    if ((options.tokens ?? []).some((t) => timingSafeEqual(digest(t), given))) return { allowed: true, user: 'token' };
    return { allowed: false, status: 401, message: 'invalid bearer token' };
  }
  return {
    allowed: false,
    status: 401,
    message: 'credentials required: a bearer token or a trusted client certificate',
  };
}
