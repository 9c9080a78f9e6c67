import type { AuthorizationAttributes, AuthorizationDecision, Authorizer } from './types.js';

/** An `Allow` decision with its reason. */
export const allow = (reason: string): AuthorizationDecision => ({ decision: 'Allow', reason });
/** A `Deny` decision with its reason. */
export const deny = (reason: string): AuthorizationDecision => ({ decision: 'Deny', reason });
/** A `NoOpinion` decision: the next authorizer of a chain decides. */
export const noOpinion = (reason = ''): AuthorizationDecision => ({ decision: 'NoOpinion', reason });

const allowed = Object.freeze(allow(''));
const denied = Object.freeze(deny(''));

/** Allows everything (`--authorization-mode=AlwaysAllow`): what an Api without an authorizer does. */
export const alwaysAllowAuthorizer: Authorizer = Object.freeze({ authorize: () => allowed });

/** Denies everything (`--authorization-mode=AlwaysDeny`). */
export const alwaysDenyAuthorizer: Authorizer = Object.freeze({ authorize: () => denied });

/** The group whose members every authorization chain allows, as kube-apiserver's privileged-group authorizer does. */
export const SYSTEM_MASTERS = 'system:masters';

/**
 * Authorizers asked in order (`--authorization-mode=Node,RBAC`): the first
 * `Allow` or `Deny` wins, `NoOpinion` passes on; when none decides, the
 * answer is `NoOpinion` with every reason given, which callers treat as a
 * refusal. Members of `system:masters` are allowed first, as in
 * kube-apiserver.
 */
export class AuthorizerChain implements Authorizer {
  readonly authorizers: readonly Authorizer[];
  constructor(authorizers: Authorizer[]) {
    this.authorizers = [...authorizers];
  }

  async authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision> {
    if (attributes.user.groups.includes(SYSTEM_MASTERS)) return allow('');
    const reasons: string[] = [];
    for (const authorizer of this.authorizers) {
      const decision = await authorizer.authorize(attributes);
      if (decision.decision !== 'NoOpinion') return decision;
      if (decision.reason) reasons.push(decision.reason);
    }
    return noOpinion(reasons.join(', '));
  }
}

/** The authorizers a chain is made of, nested chains flattened; any other authorizer is its own only member. */
export function chainMembers(authorizer: Authorizer): Authorizer[] {
  return authorizer instanceof AuthorizerChain ? authorizer.authorizers.flatMap(chainMembers) : [authorizer];
}
