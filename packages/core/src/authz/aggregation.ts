import type { ClusterApi } from '../api/cluster-api.js';
import { isReason } from '../errors/api-errors.js';
import { labelSelectorAsMatcher } from '../model/labels.js';
import type { ClusterRole, PolicyRule } from '../model/rbac-v1.js';

const ruleKey = (rule: PolicyRule) => JSON.stringify(rule);

/**
 * The rules an aggregating ClusterRole should hold: those of every other
 * ClusterRole one of its `clusterRoleSelectors` matches, in name order,
 * each rule once (Kubernetes' ClusterRole aggregation controller);
 * `undefined` for a role without an aggregation rule.
 */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] | undefined {
  const selectors = role.aggregationRule?.clusterRoleSelectors;
  if (!selectors) return undefined;
  const matchers = selectors.map(labelSelectorAsMatcher);
  const seen = new Set<string>();
  const rules: PolicyRule[] = [];
  const sources = [...all]
    .filter((r) => r.metadata.name !== role.metadata.name && matchers.some((m) => m.matches(r.metadata.labels)))
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const source of sources) {
    for (const rule of source.rules ?? []) {
      const key = ruleKey(rule);
      if (!seen.has(key)) {
        seen.add(key);
        rules.push(rule);
      }
    }
  }
  return rules;
}

/**
 * One pass of the aggregation controller: every aggregating ClusterRole
 * whose rules differ from `aggregatedRules` is updated (a conflict means a
 * newer version exists; the next pass sees it). Returns the names updated.
 * Repeats until nothing changes, so roles aggregating aggregated roles
 * (`admin` takes `edit`, which takes `view`) settle in one call.
 */
export async function reconcileClusterRoleAggregation(api: ClusterApi): Promise<string[]> {
  const client = api.resource('ClusterRole');
  const updated: string[] = [];
  for (let pass = 0; pass < 10; pass++) {
    const all = (await client.list()).items;
    let changed = false;
    for (const role of all) {
      const rules = aggregatedRules(role, all);
      if (!rules || ruleKeys(rules) === ruleKeys(role.rules ?? [])) continue;
      try {
        await client.update({ ...role, rules });
        updated.push(role.metadata.name ?? '');
        changed = true;
      } catch (err) {
        if (!isReason(err, 'Conflict')) throw err;
      }
    }
    if (!changed) break;
  }
  return updated;
}

const ruleKeys = (rules: readonly PolicyRule[]) => rules.map(ruleKey).join('\n');
