import type { PolicyRule } from '../model/rbac-v1.js';
import type { AuthorizationAttributes } from './types.js';

/** The wildcard of every rule field. */
export const ALL = '*';

const has = (values: readonly string[] | undefined, value: string) =>
  values !== undefined && (values.includes(ALL) || values.includes(value));

/** `rule.verbs` holds the verb or `*` (case-sensitive, as in Kubernetes). */
export const verbMatches = (rule: PolicyRule, verb: string) => has(rule.verbs, verb);

/** `rule.apiGroups` holds the group or `*`. */
export const apiGroupMatches = (rule: PolicyRule, group: string) => has(rule.apiGroups, group);

/**
 * `rule.resources` holds `*`, the resource (`pods`), the resource with its
 * subresource (`pods/status`), or `*` with the subresource (`*\/status`).
 * A rule for `pods` does not reach `pods/status`, nor the reverse.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (r) => r === ALL || r === combined || (subresource !== '' && r === `${ALL}/${subresource}`),
  );
}

/** No `resourceNames` allows every name; otherwise the name must be listed (a collection request has none). */
export const resourceNameMatches = (rule: PolicyRule, name: string) =>
  !rule.resourceNames?.length || rule.resourceNames.includes(name);

/** A non-resource URL rule matches exactly, as `*`, or as a prefix ending in `*` (`/apis/*`). */
export const nonResourceUrlMatches = (rule: PolicyRule, path: string) =>
  (rule.nonResourceURLs ?? []).some(
    (url) => url === ALL || url === path || (url.endsWith(ALL) && path.startsWith(url.slice(0, -1))),
  );

/** Whether one rule allows a request (Kubernetes' `RuleAllows`). */
export function ruleAllows(a: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (a.resourceRequest) {
    return (
      verbMatches(rule, a.verb) &&
      apiGroupMatches(rule, a.apiGroup) &&
      resourceMatches(rule, a.resource, a.subresource) &&
      resourceNameMatches(rule, a.name)
    );
  }
  return verbMatches(rule, a.verb) && nonResourceUrlMatches(rule, a.path);
}

/**
 * Splits rules into rules of one verb, one group, one resource and one
 * name (or one URL), which `covers` compares one by one: a set of rules
 * covers another when it covers each of these atoms.
 */
function atoms(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const name of names) {
          out.push({
            verbs: [verb],
            apiGroups: [group],
            resources: [resource],
            ...(name === undefined ? {} : { resourceNames: [name] }),
          });
        }
      }
    }
    for (const url of rule.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
  }
  return out;
}

function resourceCovered(owner: readonly string[], requested: string): boolean {
  if (owner.includes(ALL) || owner.includes(requested)) return true;
  const slash = requested.indexOf('/');
  // `*/status` held covers `pods/status` requested; `pods/*` held covers `pods/status`.
  if (slash < 0) return false;
  return owner.includes(`${ALL}${requested.slice(slash)}`) || owner.includes(`${requested.slice(0, slash)}/${ALL}`);
}

function urlCovered(owner: readonly string[], requested: string): boolean {
  return owner.some(
    (url) => url === ALL || url === requested || (url.endsWith(ALL) && requested.startsWith(url.slice(0, -1))),
  );
}

function atomCovered(owner: PolicyRule, atom: PolicyRule): boolean {
  const verb = atom.verbs[0] as string;
  if (!owner.verbs.includes(ALL) && !owner.verbs.includes(verb)) return false;
  if (atom.nonResourceURLs) return urlCovered(owner.nonResourceURLs ?? [], atom.nonResourceURLs[0] as string);
  const groups = owner.apiGroups ?? [];
  const group = atom.apiGroups?.[0] as string;
  if (!groups.includes(ALL) && !groups.includes(group)) return false;
  if (!resourceCovered(owner.resources ?? [], atom.resources?.[0] as string)) return false;
  if (!owner.resourceNames?.length) return true;
  return atom.resourceNames !== undefined && owner.resourceNames.includes(atom.resourceNames[0] as string);
}

/**
 * The requested rules that `owner` does not cover, as atoms (empty: all
 * covered). What Kubernetes' escalation check reports as "attempting to
 * grant RBAC permissions not currently held".
 */
export function uncoveredRules(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  return requested.flatMap(atoms).filter((atom) => !owner.some((rule) => atomCovered(rule, atom)));
}
