import { cloneJson, isJsonObject, jsonEqual } from '@flotilla/core';
import { builtinFieldSchema } from '../builtin-field-schemas.js';
import type { FieldSchema } from '../field-schema.js';
import { assertJsonDepth } from '../json-depth.js';
import { PatchError } from '../patch-error.js';
import { type ApplyConflict, type ApplyConflictStatus, conflictStatus, conflictsOf } from './apply-conflict.js';
import { type FieldPath, removeAt } from './field-path.js';
import { FieldSet } from './field-set.js';
import { FieldsV1Cache } from './fields-v1-cache.js';
import {
  BEFORE_FIRST_APPLY,
  decodeManagedFields,
  encodeManagedFields,
  type ManagedFieldsEntry,
  type Manager,
  managedTime,
  sameManager,
} from './managed-fields.js';
import { structuralMerge } from './structural-merge.js';

type JsonObject = Record<string, unknown>;

/** What `serverSideApply` needs. */
export interface ServerSideApplyRequest {
  /** The stored object, or `undefined` when the apply creates it. */
  live?: JsonObject;
  /** The applied configuration (the request body, parsed from JSON or YAML). */
  applied: unknown;
  /** The `fieldManager` query parameter; required for apply. */
  fieldManager: string;
  /** The `force` query parameter: take the conflicting fields over instead of failing. */
  force?: boolean;
  /** The time recorded in the applier's managedFields entry. */
  now: Date;
  /**
   * How the kind's lists merge. Default: the built-in kind's description;
   * for other kinds every list is atomic, as for a CRD without
   * `x-kubernetes-list-type`.
   */
  schema?: FieldSchema;
}

/** The result of an apply: the object to store, or the conflicts that stopped it. */
export type ServerSideApplyResult =
  | { outcome: 'applied'; object: JsonObject; created: boolean }
  | { outcome: 'conflict'; conflicts: ApplyConflict[]; status: ApplyConflictStatus };

/**
 * Fields the apiserver sets itself: they are never owned, and an applied
 * configuration's values for them are ignored (kube-apiserver's stripped
 * fields). `status` is reset on the main resource, as for every kind with a
 * status subresource.
 */
const UNOWNED: readonly (readonly string[])[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:status'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:resourceVersion'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:deletionTimestamp'],
  ['f:metadata', 'f:deletionGracePeriodSeconds'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:managedFields'],
];

/** UNOWNED by length: the top-level fields, and the second elements under each first one. */
const UNOWNED_TOP = new Set(UNOWNED.filter((path) => path.length === 1).map((path) => path[0]!));
const UNOWNED_BELOW = new Map<string, Set<string>>();
for (const path of UNOWNED.filter((p) => p.length === 2)) {
  const below = UNOWNED_BELOW.get(path[0]!) ?? new Set<string>();
  below.add(path[1]!);
  UNOWNED_BELOW.set(path[0]!, below);
}

/** Called for every field of every write: set look-ups, only for the two top levels where such fields live. */
const unowned = (path: FieldPath) =>
  path.length === 1
    ? UNOWNED_TOP.has(path[0]!)
    : path.length === 2 && UNOWNED_BELOW.get(path[0]!)?.has(path[1]!) === true;

/** A write through the status subresource changes (and owns) `status` alone. */
const outsideStatus = (path: FieldPath) => path[0] !== 'f:status';

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`): merges the
 * applied configuration into the live object and tracks who owns which field
 * in `metadata.managedFields`, as kube-apiserver does.
 *
 * Guarantees: the applier's `Apply` entry owns exactly the fields of its
 * configuration; a field the applier would change that another manager owns
 * is a conflict (nothing changes; `status` is kube-apiserver's 409) unless
 * `force`, which moves the field to the applier; a field the applier owned
 * before, left out now, and owned by nobody else is removed; a field another
 * manager owns with the value applied becomes shared. Applying the same
 * configuration again changes nothing, the entry's time included.
 *
 * Simplified against structured-merge-diff: no per-version conversion of
 * managed fields (entries of another apiVersion are compared as if written in
 * this one); `status` is never applied through the main resource.
 */
export function serverSideApply(request: ServerSideApplyRequest): ServerSideApplyResult {
  const { live, applied, fieldManager, force = false, now } = request;
  if (!fieldManager) throw new PatchError('BadRequest', 'fieldManager', 'is required for apply patch');
  if (!isJsonObject(applied)) throw new PatchError('BadRequest', '', 'an apply configuration must be an object');
  assertJsonDepth(applied, undefined, 'apply configuration');
  const { apiVersion, kind, metadata } = applied;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string')
    throw new PatchError('BadRequest', 'apiVersion', 'apiVersion and kind must be set in an apply configuration');
  if (isJsonObject(metadata) && Array.isArray(metadata.managedFields) && metadata.managedFields.length > 0)
    throw new PatchError('BadRequest', 'metadata.managedFields', 'must be nil in an apply configuration');
  const schema = request.schema ?? builtinFieldSchema(apiVersion, kind);
  const appliedSet = FieldSet.of(applied, schema, unowned);
  const self: Manager = {
    entry: { manager: fieldManager, operation: 'Apply', apiVersion, time: managedTime(now) },
    fields: appliedSet,
  };
  if (!live) {
    const object = cloneJson(applied);
    delete object.status;
    if (isJsonObject(object.metadata)) delete object.metadata.managedFields;
    return { outcome: 'applied', object: withManagedFields(object, [self]), created: true };
  }

  // managedFields nest a few levels deeper than the fields they name; they are decoded without recursion.
  assertJsonDepth(withoutManagedFields(live), undefined, 'stored object');
  const managers = managersOf(live, schema);
  const previous = managers.find((m) => sameManager(m.entry, self.entry));
  const others = managers.filter((m) => m !== previous);
  const merged = structuralMerge(live, ownedPart(applied), schema) as JsonObject;

  const changed = FieldSet.diff(live, merged, schema, unowned).changed.intersection(appliedSet);
  const conflicts = others.flatMap((m) => conflictsOf(m, m.fields.intersection(changed).sortedPaths()));
  if (conflicts.length > 0 && !force) return { outcome: 'conflict', conflicts, status: conflictStatus(conflicts) };
  const remaining = others.map((m) => ({ ...m, fields: m.fields.difference(changed) }));

  const owned = remaining.reduce((all, m) => all.union(m.fields), appliedSet);
  const dropped = (previous?.fields ?? new FieldSet()).difference(owned);
  const removed = new FieldSet();
  for (const path of dropped.paths().sort((a, b) => a.length - b.length)) {
    // Removing an item removes its fields: a field path under it would no longer resolve.
    if (path.some((_, i) => removed.has(path.slice(0, i))) || owned.hasDescendant(path)) continue;
    removeAt(merged, path, schema);
    removed.add(path);
  }

  const unchanged = jsonEqual(withoutManagedFields(merged), withoutManagedFields(live));
  const entry = previous && unchanged && sameSet(previous.fields, appliedSet) ? previous : self;
  return { outcome: 'applied', object: withManagedFields(merged, [entry, ...remaining]), created: false };
}

/** What `recordUpdate` needs besides the two objects. */
export interface RecordUpdateOptions {
  /** The `fieldManager` of the write; kube-apiserver derives one from the User-Agent when absent. */
  manager: string;
  /** The time recorded in the manager's entry. */
  now: Date;
  /** The subresource written through (`scale`, `status`), if any. */
  subresource?: string;
  /** As for `serverSideApply`. */
  schema?: FieldSchema;
}

/** The trees of the fields creates set, kept per kind: most creates of a kind set the same fields. */
const createdFields = new FieldsV1Cache();

/**
 * Records a non-apply write (create, update, merge/JSON/strategic patch,
 * `kubectl scale`) in `metadata.managedFields` of `updated` and returns it:
 * the manager's `Update` entry gains every field the write added or changed,
 * other managers lose those fields (an update takes ownership without
 * conflicts), and fields the write removed leave every entry. A later apply
 * that changes those fields then conflicts with this manager.
 *
 * `live` is `undefined` for a create. A write through the `status`
 * subresource owns `status` fields only; any other write owns everything but
 * `status` (kube-apiserver resets the other half). A write that sets
 * `managedFields` itself (a client resetting them, `[]` to clear) is kept as
 * sent.
 */
export function recordUpdate<T extends JsonObject>(
  live: JsonObject | undefined,
  updated: T,
  options: RecordUpdateOptions,
): T {
  const managedFields = managedFieldsAfterUpdate(live, updated, options);
  if (managedFields === undefined) return updated;
  const metadata = isJsonObject(updated.metadata) ? updated.metadata : {};
  return { ...updated, metadata: { ...metadata, managedFields } };
}

/**
 * The `metadata.managedFields` that `recordUpdate` gives `updated`, without
 * copying it: `undefined` when the write's own are kept (it sent some that
 * differ from the stored ones). A caller that owns `updated` sets them in
 * place; copying a Pod and its metadata to set one member cost a create as
 * much as recording its fields did.
 */
export function managedFieldsAfterUpdate(
  live: JsonObject | undefined,
  updated: JsonObject,
  { manager, now, subresource, schema: given }: RecordUpdateOptions,
): ManagedFieldsEntry[] | undefined {
  assertJsonDepth(withoutManagedFields(updated), undefined, 'object');
  const apiVersion = String(updated.apiVersion ?? '');
  const schema = given ?? builtinFieldSchema(apiVersion, String(updated.kind ?? ''));
  const sent = isJsonObject(updated.metadata) ? updated.metadata.managedFields : undefined;
  const stored = isJsonObject(live?.metadata) ? live.metadata.managedFields : undefined;
  if (Array.isArray(sent) && !jsonEqual(sent, stored)) return undefined;

  const skip = subresource === 'status' ? outsideStatus : unowned;
  const entry: Manager['entry'] = {
    manager,
    operation: 'Update',
    apiVersion,
    time: managedTime(now),
    ...(subresource ? { subresource } : {}),
  };
  // A create owns every field it sets: its one entry is written straight from the object.
  const created = live === undefined ? createdFields.fieldsOf(updated, schema, skip) : undefined;
  if (created !== undefined) {
    return Object.keys(created).length > 0 ? [{ ...entry, fieldsType: 'FieldsV1', fieldsV1: created }] : [];
  }
  const { fields: after, changed } = FieldSet.diff(live, updated, schema, skip);
  const removed = live ? FieldSet.of(live, schema, skip).difference(after) : new FieldSet();
  const managers = decodeManagedFields(stored);
  const previous = managers.find((m) => sameManager(m.entry, entry));
  if (changed.size === 0 && removed.size === 0) return encodeManagedFields(managers);
  const rest = managers
    .filter((m) => m !== previous)
    .map((m) => ({ ...m, fields: m.fields.difference(changed).difference(removed) }));
  const mine = previous ? previous.fields.difference(removed).union(changed) : changed;
  return encodeManagedFields([{ entry, fields: mine }, ...rest]);
}

/** The managers of a stored object; one without any is credited to `before-first-apply`. */
function managersOf(live: JsonObject, schema: FieldSchema | undefined): Manager[] {
  const managed = isJsonObject(live.metadata) ? live.metadata.managedFields : undefined;
  if (Array.isArray(managed) && managed.length > 0) return decodeManagedFields(managed);
  const fields = FieldSet.of(live, schema, unowned);
  return [{ entry: { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: String(live.apiVersion) }, fields }];
}

/** The applied configuration without the fields the apiserver sets itself. */
function ownedPart(applied: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(applied)) if (!unowned([`f:${key}`])) out[key] = value;
  if (isJsonObject(applied.metadata)) {
    const metadata: JsonObject = {};
    for (const [key, value] of Object.entries(applied.metadata))
      if (!unowned(['f:metadata', `f:${key}`])) metadata[key] = value;
    out.metadata = metadata;
  }
  return out;
}

const sameSet = (a: FieldSet, b: FieldSet) => a.size === b.size && a.difference(b).size === 0;

function withManagedFields(object: JsonObject, managers: Manager[]): JsonObject {
  const metadata = isJsonObject(object.metadata) ? object.metadata : {};
  return { ...object, metadata: { ...metadata, managedFields: encodeManagedFields(managers) } };
}

function withoutManagedFields(object: JsonObject): JsonObject {
  // Most writes send none: the object is then taken as it is, not copied.
  if (!isJsonObject(object.metadata) || !Object.hasOwn(object.metadata, 'managedFields')) return object;
  const { managedFields: _managed, ...metadata } = object.metadata;
  return { ...object, metadata };
}
