import { isJsonObject } from '@flotilla/core';
import { assertJsonDepth, MAX_PATCH_DEPTH } from '../json-depth.js';
import { FieldSet, type FieldsV1 } from './field-set.js';

/** One `metadata.managedFields` entry, as Kubernetes stores it. */
export interface ManagedFieldsEntry {
  /** Who wrote the fields: the `fieldManager` of the request (`kubectl`, `kubectl-client-side-apply`). */
  manager: string;
  /** `Apply` for server-side apply, `Update` for every other write. */
  operation: 'Apply' | 'Update';
  /** The apiVersion the fields were written in. */
  apiVersion: string;
  /** When the manager last changed the fields it owns (RFC 3339, seconds). */
  time?: string;
  /** Always `FieldsV1`. */
  fieldsType: 'FieldsV1';
  /** The owned fields. */
  fieldsV1: FieldsV1;
  /** The subresource written through (`status`, `scale`), if any. */
  subresource?: string;
}

/** A decoded entry: the owned fields as a set. */
export interface Manager {
  entry: Omit<ManagedFieldsEntry, 'fieldsV1' | 'fieldsType'>;
  fields: FieldSet;
}

/** The manager kube-apiserver credits with the fields of an object that had no managedFields before its first apply. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Managers are told apart by name, operation and subresource (Kubernetes' manager identifier). */
export function sameManager(a: Manager['entry'], b: Manager['entry']): boolean {
  return a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '');
}

/** Decodes `metadata.managedFields`; entries that are not well formed throw a `PatchError`. */
export function decodeManagedFields(managedFields: unknown): Manager[] {
  if (!Array.isArray(managedFields)) return [];
  // An entry names fields a few levels below their object's own depth.
  assertJsonDepth(managedFields, MAX_PATCH_DEPTH + 8, 'metadata.managedFields');
  return managedFields.filter(isJsonObject).map((raw, i) => {
    const { fieldsV1, fieldsType: _type, ...entry } = raw as unknown as ManagedFieldsEntry;
    return { entry, fields: FieldSet.fromFieldsV1(fieldsV1 ?? {}, `metadata.managedFields[${i}].fieldsV1`) };
  });
}

/**
 * Encodes managers as `metadata.managedFields`, dropping those that own
 * nothing, in kube-apiserver's order: operation, then time, then manager,
 * apiVersion and subresource.
 */
export function encodeManagedFields(managers: Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.fields.size > 0)
    .map((m) => ({ ...m.entry, fieldsType: 'FieldsV1' as const, fieldsV1: m.fields.toFieldsV1() }))
    .sort(
      (p, q) =>
        compare(p.operation, q.operation) ||
        compare(seconds(p.time), seconds(q.time)) ||
        compare(p.manager, q.manager) ||
        compare(p.apiVersion, q.apiVersion) ||
        compare(p.subresource ?? '', q.subresource ?? ''),
    );
}

const seconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) : 0);
const compare = <T extends string | number>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);

/** The second `managedTime` last spelled, and how: every write of a second records the same time. */
let spelledSecond = Number.NaN;
let spelled = '';

/** `metav1.Time` serializes at second precision. */
export function managedTime(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== spelledSecond) {
    spelled = `${now.toISOString().slice(0, 19)}Z`;
    spelledSecond = second;
  }
  return spelled;
}
