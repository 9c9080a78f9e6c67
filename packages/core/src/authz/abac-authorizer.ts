import { InvalidError } from '../errors/api-errors.js';
import { isJsonObject } from '../json/json-object.js';
import { allow, noOpinion } from './decisions.js';
import type { AuthorizationAttributes, AuthorizationDecision, Authorizer } from './types.js';

/** One line of an ABAC policy file (`abac.authorization.kubernetes.io/v1beta1` Policy `spec`). */
export interface AbacPolicySpec {
  user?: string;
  group?: string;
  readonly?: boolean;
  apiGroup?: string;
  resource?: string;
  namespace?: string;
  nonResourcePath?: string;
}

const POLICY_API_VERSION = 'abac.authorization.kubernetes.io/v1beta1';
const AUTHENTICATED = 'system:authenticated';
const READ_ONLY_VERBS = new Set(['get', 'list', 'watch']);
const STRING_FIELDS = ['user', 'group', 'apiGroup', 'resource', 'namespace', 'nonResourcePath'] as const;

/** A bad policy line: the Policy is named by its line, the field by its path within it. */
const invalid = (lineNo: number, field: string, message: string) =>
  new InvalidError('Policy', `line ${lineNo}`, [{ field: field || `line ${lineNo}`, message }]);

/** Reads one policy line; bad lines are an `InvalidError` naming the line and field. */
function parseLine(line: string, lineNo: number): AbacPolicySpec {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    throw invalid(lineNo, '', 'Invalid value: not JSON');
  }
  if (!isJsonObject(doc) || doc.apiVersion !== POLICY_API_VERSION || doc.kind !== 'Policy' || !isJsonObject(doc.spec)) {
    throw invalid(lineNo, 'apiVersion', `Unsupported value: want ${POLICY_API_VERSION} Policy with a spec`);
  }
  const spec = doc.spec;
  for (const field of STRING_FIELDS) {
    if (spec[field] !== undefined && typeof spec[field] !== 'string') {
      throw invalid(lineNo, `spec.${field}`, 'Invalid value: must be a string');
    }
  }
  if (spec.readonly !== undefined && typeof spec.readonly !== 'boolean') {
    throw invalid(lineNo, 'spec.readonly', 'Invalid value: must be a boolean');
  }
  return spec as AbacPolicySpec;
}

/**
 * The user and group fields: each given one must match, and at least one
 * must be given. `*` in either means "every authenticated user": Kubernetes
 * converts it to the group `system:authenticated`, so it never matches
 * `system:anonymous`.
 */
function subjectMatches(p: AbacPolicySpec, a: AuthorizationAttributes): boolean {
  const wildcard = p.user === '*' || p.group === '*';
  const user = wildcard ? '' : (p.user ?? '');
  const group = wildcard ? AUTHENTICATED : (p.group ?? '');
  let matched = false;
  if (user) {
    matched = user === a.user.username;
    if (!matched) return false;
  }
  if (group) {
    matched = a.user.groups.includes(group);
    if (!matched) return false;
  }
  return matched;
}

/** An unset field is `''`: it matches only the empty value (the core group, a cluster-scoped request). */
const wildcardOrEqual = (pattern: string | undefined, value: string) => pattern === '*' || (pattern ?? '') === value;

function policyMatches(p: AbacPolicySpec, a: AuthorizationAttributes): boolean {
  if (!subjectMatches(p, a)) return false;
  if (p.readonly && !READ_ONLY_VERBS.has(a.verb)) return false;
  if (a.resourceRequest) {
    return (
      wildcardOrEqual(p.namespace, a.namespace) &&
      wildcardOrEqual(p.resource, a.resource) &&
      wildcardOrEqual(p.apiGroup, a.apiGroup)
    );
  }
  const path = p.nonResourcePath ?? '';
  return path === '*' || path === a.path || (path.endsWith('*') && a.path.startsWith(path.slice(0, -1)));
}

/**
 * Kubernetes' ABAC authorizer (`--authorization-mode=ABAC` with
 * `--authorization-policy-file`): one `Policy` per line; a request is
 * allowed when any line matches its user or group, its verb (`readonly`
 * lines allow get, list and watch only), and its namespace, resource and
 * API group, or its non-resource path (`*` and `prefix*` match).
 * Otherwise `NoOpinion`.
 */
export class AbacAuthorizer implements Authorizer {
  readonly policies: readonly AbacPolicySpec[];

  constructor(policies: AbacPolicySpec[]) {
    this.policies = policies;
  }

  /** Parses a policy file's text (JSON lines; blank lines and `#` comments skipped). */
  static fromPolicyFile(text: string): AbacAuthorizer {
    const policies: AbacPolicySpec[] = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line && !line.startsWith('#')) policies.push(parseLine(line, i + 1));
    });
    return new AbacAuthorizer(policies);
  }

  authorize(a: AuthorizationAttributes): AuthorizationDecision {
    return this.policies.some((p) => policyMatches(p, a)) ? allow('') : noOpinion('No policy matched.');
  }
}
