import type { AdmissionHook } from '../api/types.js';
import { chainMembers } from './decisions.js';
import { escalationPolicyOf, rbacEscalationAdmission } from './escalation.js';
import { NodeAuthorizer } from './node-authorizer.js';
import { nodeRestrictionAdmission } from './node-restriction.js';
import type { Authorizer } from './types.js';

/**
 * The admission an authorizer needs to hold what it promises, for writes
 * made on behalf of a requester: RBAC's escalation check when it resolves
 * rules, NodeRestriction when it holds the Node authorizer (which decides
 * before the object is known). `new Api({ authorizer })` adds them; an
 * ApiServer given its own authorizer adds them to its Api.
 */
export function authorizationAdmission(authorizer: Authorizer): AdmissionHook[] {
  const hooks: AdmissionHook[] = [];
  const escalation = escalationPolicyOf(authorizer);
  if (escalation) hooks.push(rbacEscalationAdmission(escalation, authorizer));
  if (chainMembers(authorizer).some((a) => a instanceof NodeAuthorizer)) hooks.push(nodeRestrictionAdmission());
  return hooks;
}
