/**
 * @flotilla/apiserver: Kubernetes' REST protocol in front of Flotilla's
 * in-process `Api`, so that kubectl, `@kubernetes/client-node` and any other
 * Kubernetes client drive a Flotilla cluster unchanged.
 *
 * @packageDocumentation
 * @module @flotilla/apiserver
 */

export {
  type AuditEvent,
  type AuditGroupResources,
  type AuditLevel,
  type AuditLogFile,
  type AuditObjectRef,
  type AuditOptions,
  type AuditPolicy,
  AuditPolicyError,
  type AuditPolicyRule,
  type AuditSink,
  type AuditStage,
  auditLevelOf,
  auditLogFile,
  auditRuleMatches,
  readAuditPolicyFile,
  validateAuditPolicy,
} from './audit/index.js';
export type {
  Authenticator,
  AuthorizationAttributes,
  AuthorizationDecision,
  Authorizer,
  UserInfo,
} from './auth/index.js';
export {
  alwaysAllowAuthorizer,
  anonymousAuthenticator,
  anonymousUser,
  tokenFileAuthenticator,
  unionAuthenticator,
} from './auth/index.js';
export {
  type ClientCertificate,
  type ClientCertificateSubject,
  ClusterCa,
  clientCertificateAuthenticator,
  generateServingCertificate,
  type ServingCertificate,
} from './certificates/index.js';
export { AGGREGATED_DISCOVERY_CONTENT_TYPE, SERVED_KUBERNETES_VERSION } from './discovery/index.js';
export {
  HttpStatusError,
  type HttpStatusReason,
  type Status,
  type StatusCause,
  type StatusDetails,
  statusFromError,
} from './errors/index.js';
export { type KubeconfigOptions, kubeconfigFor, writeKubeconfig } from './kubeconfig/index.js';
export * from './metrics/index.js';
export type { KubeletClientOptions } from './node-proxy/index.js';
export * from './openapi/index.js';
export * from './patch/index.js';
export { defaultServerLimits, type ServerLimits } from './protection/index.js';
export * from './protobuf/index.js';
export { apiServerFieldManager, type PatchApplier, PatchAppliers, type PatchTarget } from './rest/index.js';
export {
  ApiServer,
  type ApiServerOptions,
  type ListenOptions,
  type ServingInfo,
} from './server/index.js';
export {
  bearerToken,
  type ServiceAccountTokenAuthenticatorOptions,
  serviceAccountTokenAuthenticator,
} from './service-account-token/index.js';
export {
  type CellContext,
  column,
  type KindPrinter,
  type PrinterColumn,
  type Table,
  type TableColumnDefinition,
  type TableRow,
} from './table/index.js';
export { defaultWatchOptions, type WatchOptions } from './watch/index.js';
