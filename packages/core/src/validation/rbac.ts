import type { FieldError } from '../errors/api-errors.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '../model/rbac-v1.js';
import { forbidden, invalid, invalidEach, notSupported, required } from './field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPathSegmentName } from './names.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateRules(rules: PolicyRule[] | undefined, allowNonResourceURLs: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (rules ?? []).forEach((r, i) => {
    const p = `rules[${i}]`;
    if (!r.verbs?.length) errs.push(required(`${p}.verbs`, 'verbs must contain at least one value'));
    if (r.nonResourceURLs?.length) {
      if (!allowNonResourceURLs)
        errs.push(
          invalid(`${p}.nonResourceURLs`, r.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'),
        );
      if (r.apiGroups?.length || r.resources?.length) {
        errs.push(
          invalid(
            `${p}.nonResourceURLs`,
            r.nonResourceURLs,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      }
    } else {
      if (!r.apiGroups?.length)
        errs.push(required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
      if (!r.resources?.length)
        errs.push(required(`${p}.resources`, 'resource rules must supply at least one resource'));
    }
  });
  return errs;
}

/** Role: every rule has verbs, api groups and resources; no non-resource URLs. */
export function validateRole(role: Role): FieldError[] {
  return validateRules(role.rules, false);
}

/** ClusterRole: every rule has verbs, and either resources (with api groups) or non-resource URLs. */
export function validateClusterRole(role: ClusterRole): FieldError[] {
  return validateRules(role.rules, true);
}

function validateSubjects(subjects: Subject[] | undefined, namespaceRequired: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (subjects ?? []).forEach((s, i) => {
    const p = `subjects[${i}]`;
    if (!s.name) errs.push(required(`${p}.name`));
    switch (s.kind) {
      case 'ServiceAccount':
        if (s.name) errs.push(...invalidEach(`${p}.name`, s.name, isDNS1123Subdomain(s.name)));
        if (s.apiGroup) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
        if (namespaceRequired && !s.namespace) errs.push(required(`${p}.namespace`));
        if (s.namespace) errs.push(...invalidEach(`${p}.namespace`, s.namespace, isDNS1123Label(s.namespace)));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
        break;
      default:
        errs.push(notSupported(`${p}.kind`, s.kind, ['ServiceAccount', 'User', 'Group']));
    }
  });
  return errs;
}

function validateRoleRef(
  ref: { apiGroup?: string; kind?: string; name?: string } | undefined,
  kinds: readonly string[],
  old: { apiGroup?: string; kind?: string; name?: string } | undefined,
): FieldError[] {
  if (!ref) return [required('roleRef')];
  const errs: FieldError[] = [];
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  if (!ref.kind || !kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  else errs.push(...invalidEach('roleRef.name', ref.name, isValidPathSegmentName(ref.name)));
  if (
    old &&
    JSON.stringify([old.apiGroup, old.kind, old.name]) !== JSON.stringify([ref.apiGroup, ref.kind, ref.name])
  ) {
    errs.push(forbidden('roleRef', 'cannot change roleRef'));
  }
  return errs;
}

/** RoleBinding: a Role or ClusterRole reference (immutable, its name a path segment as RBAC names are) and well-formed subjects. */
export function validateRoleBinding(rb: RoleBinding, old?: RoleBinding): FieldError[] {
  return [
    ...validateRoleRef(rb.roleRef, ['Role', 'ClusterRole'], old?.roleRef),
    ...validateSubjects(rb.subjects, false),
  ];
}

/** ClusterRoleBinding: a ClusterRole reference (immutable); service-account subjects name their namespace. */
export function validateClusterRoleBinding(crb: ClusterRoleBinding, old?: ClusterRoleBinding): FieldError[] {
  return [...validateRoleRef(crb.roleRef, ['ClusterRole'], old?.roleRef), ...validateSubjects(crb.subjects, true)];
}
