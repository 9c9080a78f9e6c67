import type { ClusterApi } from '../api/cluster-api.js';
import { isReason } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import type { ClusterRole, ClusterRoleBinding, Subject } from '../model/rbac-v1.js';
import { reconcileClusterRoleAggregation } from './aggregation.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy.js';
import { uncoveredRules } from './policy-rule.js';

/** What `ensureBootstrapRbac` did, by object name. */
export interface BootstrapRbacResult {
  created: string[];
  updated: string[];
}

const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

/** Creates `desired`, or lets `merge` complete the stored object (which returns `undefined` when nothing is missing). */
async function reconcile<T extends KubeObject>(
  api: ClusterApi,
  kind: string,
  desired: T,
  merge: (stored: T, desired: T) => T | undefined,
  result: BootstrapRbacResult,
): Promise<void> {
  const client = api.resource<T>(kind);
  const name = desired.metadata.name as string;
  let stored: T;
  try {
    stored = await client.get(name);
  } catch (err) {
    if (!isReason(err, 'NotFound')) throw err;
    try {
      await client.create(desired);
      result.created.push(name);
    } catch (createErr) {
      if (!isReason(createErr, 'AlreadyExists')) throw createErr;
    }
    return;
  }
  // An operator who set autoupdate to "false" owns the object from then on.
  if (stored.metadata.annotations?.[AUTOUPDATE] === 'false') return;
  const next = merge(stored, desired);
  if (!next) return;
  await client.update(next);
  result.updated.push(name);
}

const mergeRole = (stored: ClusterRole, desired: ClusterRole): ClusterRole | undefined => {
  // Aggregated roles' rules belong to the aggregation controller.
  if (desired.aggregationRule) return undefined;
  const missing = uncoveredRules(stored.rules ?? [], desired.rules ?? []);
  return missing.length ? { ...stored, rules: [...(stored.rules ?? []), ...missing] } : undefined;
};

const subjectKey = (s: Subject) => `${s.kind}/${s.namespace ?? ''}/${s.name}`;
const mergeBinding = (stored: ClusterRoleBinding, desired: ClusterRoleBinding): ClusterRoleBinding | undefined => {
  const have = new Set((stored.subjects ?? []).map(subjectKey));
  const missing = (desired.subjects ?? []).filter((s) => !have.has(subjectKey(s)));
  return missing.length ? { ...stored, subjects: [...(stored.subjects ?? []), ...missing] } : undefined;
};

/**
 * Writes Kubernetes' bootstrap RBAC policy (`cluster-admin`, `admin`,
 * `edit`, `view`, `system:discovery`, `system:basic-user`, `system:node`,
 * `system:kube-scheduler`, `system:kube-controller-manager`, the
 * controllers' `system:controller:*` roles, and their bindings), as
 * kube-apiserver does at start, then aggregates `admin`/`edit`/`view`.
 *
 * Idempotent: missing objects are created; stored ones annotated
 * `rbac.authorization.kubernetes.io/autoupdate: "true"` get the rules and
 * subjects they lack (what an operator added stays); `"false"` leaves them alone.
 */
export async function ensureBootstrapRbac(api: ClusterApi): Promise<BootstrapRbacResult> {
  const result: BootstrapRbacResult = { created: [], updated: [] };
  for (const role of bootstrapClusterRoles()) await reconcile(api, 'ClusterRole', role, mergeRole, result);
  for (const b of bootstrapClusterRoleBindings()) await reconcile(api, 'ClusterRoleBinding', b, mergeBinding, result);
  for (const name of await reconcileClusterRoleAggregation(api)) {
    if (!result.created.includes(name) && !result.updated.includes(name)) result.updated.push(name);
  }
  return result;
}
