import type { PolicyRule } from '../model/rbac-v1.js';

/** Who makes a request (Kubernetes' `user.Info`). */
export interface UserInfo {
  /** `system:anonymous`, `alice`, `system:serviceaccount:ns:name`, `system:node:node-1`, ... */
  username: string;
  uid?: string;
  /** `system:authenticated`, `system:masters`, `system:nodes`, ... */
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What an authorizer is asked about: Kubernetes' request attributes (`authorizer.Attributes`). */
export interface AuthorizationAttributes {
  user: UserInfo;
  /**
   * `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
   * `deletecollection`, or a special verb (`escalate`, `bind`,
   * `impersonate`); for non-resource paths the lower-case HTTP method.
   */
  verb: string;
  /** True for object paths (`/api/...`, `/apis/...`); false for `/version`, `/healthz`, discovery documents. */
  resourceRequest: boolean;
  /** `''` for the core group. */
  apiGroup: string;
  apiVersion: string;
  /** Plural, lower case: `pods`. */
  resource: string;
  /** `status`, `scale`, `binding`, `eviction`, `log`, or `''`. */
  subresource: string;
  /** `''` for cluster-scoped resources and for lists across namespaces. */
  namespace: string;
  /** `''` for collections. */
  name: string;
  /** The request path, for non-resource requests. */
  path: string;
  /** The list or watch field selector, when the request has one (the Node authorizer reads `spec.nodeName=`). */
  fieldSelector?: string;
}

/** An authorizer's answer (Kubernetes' `authorizer.Decision` with its reason). */
export interface AuthorizationDecision {
  /** `NoOpinion` passes the question to the next authorizer of a chain; alone it denies. */
  decision: 'Allow' | 'Deny' | 'NoOpinion';
  reason: string;
}

/** Decides whether a user may do what a request asks (one `--authorization-mode`). */
export interface Authorizer {
  /** Allow, Deny, or NoOpinion (the next authorizer of a chain decides), with the reason a refusal quotes. */
  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision> | AuthorizationDecision;
}

/**
 * The rules a user holds in a namespace (`''`: cluster-wide only), as
 * `kubectl auth can-i --list` shows them and escalation checks compare
 * against (Kubernetes' `AuthorizationRuleResolver`).
 */
export interface RuleResolver {
  /** Every rule `user` holds in `namespace`, its cluster-wide grants included. */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[];
}

/** An authorizer that can also list the rules a user holds (RBAC, or a chain holding one). */
export interface RuleResolvingAuthorizer extends Authorizer, RuleResolver {}
