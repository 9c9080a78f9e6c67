import { isReason, type ReconcileRequest, type Reconciler, type Secret, type ServiceAccount } from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import { type ServiceAccountKey, signServiceAccountToken } from './token-signing.js';

/** The Secret type of service account tokens. */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
/** Annotation naming the ServiceAccount a token Secret belongs to. */
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
/** Annotation holding the uid of that ServiceAccount, so a recreated account does not inherit old tokens. */
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The token Secrets in the cache that name `account` (any uid). */
function tokenSecretsFor(secrets: readonly Readonly<Secret>[], account: string): Readonly<Secret>[] {
  return secrets.filter(
    (s) =>
      s.type === SERVICE_ACCOUNT_TOKEN_TYPE && s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] === account,
  );
}

/**
 * Kubernetes' (legacy) token controller, one reconcile per ServiceAccount:
 *
 * - each account gets a token Secret (`<account>-token-<uid prefix>`, type
 *   `kubernetes.io/service-account-token`, data `token` / `namespace`)
 *   listed in its `secrets`; the token is a JWT signed with the cluster key;
 * - a token Secret a user created with the annotation but no token gets one;
 * - token Secrets of a deleted account (or of an older account of the same
 *   name: the uid annotation differs) are deleted, which revokes them.
 *
 * Guarantees: idempotent; the Secret's name is derived from the account's
 * uid, so a sync on a lagging cache cannot create a second token.
 */
export class TokenReconciler implements Reconciler {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly key: ServiceAccountKey,
  ) {}

  async reconcile(req: ReconcileRequest): Promise<undefined> {
    const ns = req.namespace ?? 'default';
    const account = this.ctx.informers.for<ServiceAccount>('ServiceAccount').cache.get(ns, req.name);
    const secrets = tokenSecretsFor(this.ctx.informers.for<Secret>('Secret').cache.list({ namespace: ns }), req.name);
    const uid = account?.metadata.uid;
    for (const s of secrets) {
      if (s.metadata.annotations?.[SERVICE_ACCOUNT_UID_ANNOTATION] !== uid) await this.deleteSecret(s);
    }
    if (!account || !uid) return undefined;
    const mine = secrets.filter((s) => s.metadata.annotations?.[SERVICE_ACCOUNT_UID_ANNOTATION] === uid);
    for (const s of mine) if (!s.data?.token) await this.fillToken(s, account);
    const names = mine.map((s) => s.metadata.name);
    if (names.length === 0) names.push(await this.createSecret(account));
    const listed = new Set((account.secrets ?? []).map((r) => r.name));
    if (names.every((n) => listed.has(n))) return undefined;
    await this.ctx.api.resource('ServiceAccount').patch(ns, req.name, {
      secrets: [...(account.secrets ?? []), ...names.filter((n) => !listed.has(n)).map((name) => ({ name }))],
    });
    return undefined;
  }

  private async tokenData(account: Readonly<ServiceAccount>, secretName: string): Promise<Record<string, string>> {
    const namespace = account.metadata.namespace ?? 'default';
    const token = await signServiceAccountToken(
      {
        namespace,
        serviceAccountName: account.metadata.name,
        serviceAccountUid: account.metadata.uid ?? '',
        secretName,
      },
      this.key,
      this.ctx.clock,
    );
    return { token: base64(token), namespace: base64(namespace) };
  }

  private async createSecret(account: Readonly<ServiceAccount>): Promise<string> {
    const namespace = account.metadata.namespace ?? 'default';
    const name = `${account.metadata.name}-token-${(account.metadata.uid ?? '').replaceAll('-', '').slice(0, 5)}`;
    try {
      await this.ctx.api.resource('Secret').create({
        apiVersion: 'v1',
        kind: 'Secret',
        type: SERVICE_ACCOUNT_TOKEN_TYPE,
        metadata: {
          name,
          namespace,
          annotations: {
            [SERVICE_ACCOUNT_NAME_ANNOTATION]: account.metadata.name,
            [SERVICE_ACCOUNT_UID_ANNOTATION]: account.metadata.uid ?? '',
          },
        },
        data: await this.tokenData(account, name),
      });
    } catch (err) {
      if (!isReason(err, 'AlreadyExists')) throw err;
    }
    return name;
  }

  private async fillToken(secret: Readonly<Secret>, account: Readonly<ServiceAccount>): Promise<void> {
    const data = { ...secret.data, ...(await this.tokenData(account, secret.metadata.name)) };
    await this.ctx.api.resource('Secret').update({ ...(structuredClone(secret) as Secret), data });
  }

  private async deleteSecret(secret: Readonly<Secret>): Promise<void> {
    try {
      await this.ctx.api.resource('Secret').delete(secret.metadata.namespace ?? 'default', secret.metadata.name);
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
    }
  }
}
