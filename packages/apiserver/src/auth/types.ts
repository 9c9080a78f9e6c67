import type { IncomingMessage } from 'node:http';

/** Who made a request (Kubernetes' `user.Info`). */
export interface UserInfo {
  /** `system:anonymous`, `alice`, `system:serviceaccount:ns:name`, ... */
  username: string;
  uid?: string;
  /** `system:authenticated`, `system:masters`, ... */
  groups: string[];
  extra?: Record<string, string[]>;
}

/**
 * Finds who sent a request: a bearer token, a client certificate, ...
 * Returns `undefined` when the request carries no credentials this
 * authenticator understands; throws an `HttpStatusError` (401) when it
 * carries bad ones.
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined> | UserInfo | undefined;
}

/** What an authorizer is asked about: Kubernetes' request attributes (`authorizer.Attributes`). */
export interface AuthorizationAttributes {
  user: UserInfo;
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`; for non-resource paths the lower-case HTTP method. */
  verb: string;
  /** True for `/api/...` and `/apis/...` object paths; false for `/version`, `/healthz`, discovery documents. */
  resourceRequest: boolean;
  /** `''` for the core group. */
  apiGroup: string;
  apiVersion: string;
  /** Plural: `pods`. */
  resource: string;
  /** `status`, `scale`, `binding`, `eviction`, or `''`. */
  subresource: string;
  /** `''` for cluster-scoped resources and for lists across namespaces. */
  namespace: string;
  /** `''` for collections. */
  name: string;
  /** The request path, for non-resource requests. */
  path: string;
}

/** An authorizer's answer (Kubernetes' `authorizer.Decision` with its reason). */
export interface AuthorizationDecision {
  /** `NoOpinion` passes the question to the next authorizer of a chain; alone it denies. */
  decision: 'Allow' | 'Deny' | 'NoOpinion';
  reason: string;
}

/** Decides whether a user may do what a request asks. */
export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision> | AuthorizationDecision;
}
