export { AbacAuthorizer, type AbacPolicySpec } from './abac-authorizer.js';
export { aggregatedRules, reconcileClusterRoleAggregation } from './aggregation.js';
export { authorizationAdmission } from './authorization-admission.js';
export { AuthorizedApi, type Identity, userInfoOf } from './authorized-api.js';
export { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy.js';
export {
  AuthorizerChain,
  allow,
  alwaysAllowAuthorizer,
  alwaysDenyAuthorizer,
  deny,
  noOpinion,
  SYSTEM_MASTERS,
} from './decisions.js';
export { type BootstrapRbacResult, ensureBootstrapRbac } from './ensure-bootstrap-rbac.js';
export {
  checkRbacEscalation,
  type EscalationPolicy,
  escalationPolicyOf,
  rbacEscalationAdmission,
} from './escalation.js';
export { forbiddenMessage } from './forbidden-message.js';
export { NODE_USER_PREFIX, NODES_GROUP, NodeAuthorizer } from './node-authorizer.js';
export { nodeRestrictionAdmission } from './node-restriction.js';
export { ruleAllows, uncoveredRules } from './policy-rule.js';
export { RbacAuthorizer, type RbacCaches, type RoleRef } from './rbac-authorizer.js';
export { currentRequester, runAsRequester } from './requester.js';
export type * from './types.js';
