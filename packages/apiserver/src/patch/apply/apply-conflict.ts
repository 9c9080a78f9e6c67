import { type FieldPath, pathString } from './field-path.js';
import type { Manager } from './managed-fields.js';

/** A field the applier would change that another manager owns. */
export interface ApplyConflict {
  /** The manager that owns the field. */
  manager: string;
  /** That manager's operation. */
  operation: 'Apply' | 'Update';
  /** The apiVersion it wrote the field in. */
  apiVersion: string;
  /** When it last wrote (Update managers only are printed with it). */
  time?: string;
  /** The subresource it wrote through, if any. */
  subresource?: string;
  /** The field, as structured-merge-diff prints it: `.spec.replicas`. */
  field: string;
}

/** The body of kube-apiserver's 409 answer to a conflicting apply. */
export interface ApplyConflictStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: 'Conflict';
  details: { causes: { type: 'FieldManagerConflict'; message: string; field: string }[] };
  code: 409;
}

/** Conflicts of one manager's fields. */
export function conflictsOf(manager: Manager, paths: FieldPath[]): ApplyConflict[] {
  const { entry } = manager;
  return paths.map((path) => ({
    manager: entry.manager,
    operation: entry.operation,
    apiVersion: entry.apiVersion,
    ...(entry.time ? { time: entry.time } : {}),
    ...(entry.subresource ? { subresource: entry.subresource } : {}),
    field: pathString(path),
  }));
}

/**
 * How kube-apiserver names a manager in conflicts: `"kubectl"` for an Apply
 * manager; `"kubectl-client-side-apply" using apps/v1` for an Update manager
 * (`at <time>` in the causes), `with subresource "scale"` when it wrote one.
 */
function describeManager(c: ApplyConflict, withTime: boolean): string {
  let name = JSON.stringify(c.manager);
  if (c.subresource) name += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation !== 'Update') return name;
  return `${name} using ${c.apiVersion}${withTime && c.time ? ` at ${c.time}` : ''}`;
}

/**
 * kube-apiserver's message: `Apply failed with 1 conflict: conflict with
 * "kubectl-client-side-apply" using apps/v1: .spec.replicas`, or for several
 * `Apply failed with 2 conflicts: conflicts with "m" using v1:\n- .a\n- .b`
 * grouped by manager in name order.
 */
export function conflictMessage(conflicts: ApplyConflict[]): string {
  if (conflicts.length === 1) {
    const [c] = conflicts;
    return `Apply failed with 1 conflict: conflict with ${describeManager(c, false)}: ${c.field}`;
  }
  const byManager = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) {
    const key = describeManager(c, false);
    byManager.set(key, [...(byManager.get(key) ?? []), c]);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${key}:`);
    for (const c of byManager.get(key) ?? []) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The 409 `Status` kube-apiserver answers for these conflicts, one cause per field. */
export function conflictStatus(conflicts: ApplyConflict[]): ApplyConflictStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: conflictMessage(conflicts),
    reason: 'Conflict',
    details: {
      causes: conflicts.map((c) => ({
        type: 'FieldManagerConflict',
        message: `conflict with ${describeManager(c, true)}`,
        field: c.field,
      })),
    },
    code: 409,
  };
}
