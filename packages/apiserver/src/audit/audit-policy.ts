import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { AuthorizationAttributes } from '../auth/types.js';

/** How much of a request is recorded (audit.k8s.io/v1 `Level`), from least to most. */
export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
/** When in a request's life an event is recorded (audit.k8s.io/v1 `Stage`). */
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

/** Resources in one API group a rule matches (`GroupResources`). */
export interface AuditGroupResources {
  /** `''` (or absent) is the core group. */
  group?: string;
  /** `pods`, `pods/log`, `pods/*`, `*\/scale`, `*`; empty: every resource of the group. */
  resources?: string[];
  resourceNames?: string[];
}

/** One rule of an audit policy (`PolicyRule`); the first rule that matches a request sets its level. */
export interface AuditPolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: AuditGroupResources[];
  namespaces?: string[];
  /** Exact paths, or prefixes ending in `*`. */
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
}

/** audit.k8s.io/v1 `Policy`: what kube-apiserver's `--audit-policy-file` holds. */
export interface AuditPolicy {
  apiVersion?: 'audit.k8s.io/v1';
  kind?: 'Policy';
  rules: AuditPolicyRule[];
  omitStages?: AuditStage[];
}

const LEVELS: readonly AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES: readonly AuditStage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

/** An audit policy that is not one; `field` is the path of the first bad field (`rules[2].level`). */
export class AuditPolicyError extends Error {
  override readonly name = 'AuditPolicyError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

function checkStages(stages: unknown, field: string): void {
  if (stages === undefined) return;
  if (!Array.isArray(stages)) throw new AuditPolicyError(field, 'must be a list');
  stages.forEach((s, i) => {
    if (!STAGES.includes(s)) throw new AuditPolicyError(`${field}[${i}]`, `Unsupported value: "${s}"`);
  });
}

/**
 * Checks a parsed policy as kube-apiserver's validation does: known levels
 * and stages, and no rule mixing `nonResourceURLs` with `resources` or
 * `namespaces`. Returns it typed.
 *
 * @throws AuditPolicyError naming the bad field.
 */
export function validateAuditPolicy(value: unknown): AuditPolicy {
  const policy = value as AuditPolicy;
  if (policy === null || typeof policy !== 'object') throw new AuditPolicyError('<root>', 'must be an object');
  if (policy.kind !== undefined && policy.kind !== 'Policy')
    throw new AuditPolicyError('kind', `Unsupported value: "${policy.kind}"`);
  if (!Array.isArray(policy.rules)) throw new AuditPolicyError('rules', 'Required value');
  checkStages(policy.omitStages, 'omitStages');
  policy.rules.forEach((rule, i) => {
    if (!LEVELS.includes(rule?.level))
      throw new AuditPolicyError(`rules[${i}].level`, `Unsupported value: "${rule?.level}"`);
    checkStages(rule.omitStages, `rules[${i}].omitStages`);
    if (rule.nonResourceURLs?.length && (rule.resources?.length || rule.namespaces?.length))
      throw new AuditPolicyError(
        `rules[${i}].nonResourceURLs`,
        'rules cannot apply to both regular resources and non-resource URLs',
      );
  });
  return policy;
}

/** Reads a policy file (YAML or JSON), as `--audit-policy-file`. */
export async function readAuditPolicyFile(path: string): Promise<AuditPolicy> {
  return validateAuditPolicy(parse(await readFile(path, 'utf8')));
}

const has = (list: readonly string[] | undefined, value: string) => !list?.length || list.includes(value);

function resourceMatches(pattern: string, resource: string, subresource: string): boolean {
  if (pattern === '*') return true;
  if (!subresource) return pattern === resource;
  return pattern === `${resource}/${subresource}` || pattern === `${resource}/*` || pattern === `*/${subresource}`;
}

function matchesResource(rule: AuditPolicyRule, a: AuthorizationAttributes): boolean {
  if (rule.nonResourceURLs?.length) return false;
  if (rule.namespaces?.length && !rule.namespaces.includes(a.namespace)) return false;
  if (!rule.resources?.length) return true;
  return rule.resources.some(
    (gr) =>
      (gr.group ?? '') === a.apiGroup &&
      (!gr.resources?.length ||
        gr.resources.some((r) => resourceMatches(r, a.resource, a.subresource) && has(gr.resourceNames, a.name))),
  );
}

function matchesNonResource(rule: AuditPolicyRule, a: AuthorizationAttributes): boolean {
  if (rule.resources?.length || rule.namespaces?.length) return false;
  if (!rule.nonResourceURLs?.length) return true;
  return rule.nonResourceURLs.some(
    (u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))),
  );
}

/** Whether `rule` applies to a request (kube-apiserver's policy checker). */
export function auditRuleMatches(rule: AuditPolicyRule, a: AuthorizationAttributes): boolean {
  if (!has(rule.users, a.user.username)) return false;
  if (rule.userGroups?.length && !a.user.groups.some((g) => rule.userGroups?.includes(g))) return false;
  if (!has(rule.verbs, a.verb)) return false;
  return a.resourceRequest ? matchesResource(rule, a) : matchesNonResource(rule, a);
}

/** The level a request is audited at and the stages left out: the first matching rule's, else `None`. */
export function auditLevelOf(
  policy: AuditPolicy,
  a: AuthorizationAttributes,
): { level: AuditLevel; omitStages: AuditStage[] } {
  const rule = policy.rules.find((r) => auditRuleMatches(r, a));
  return { level: rule?.level ?? 'None', omitStages: [...(policy.omitStages ?? []), ...(rule?.omitStages ?? [])] };
}
