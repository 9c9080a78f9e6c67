import { isJsonObject } from '@flotilla/core';
import { type FieldSchema, memberSchema } from '../field-schema.js';
import type { FieldPath } from './field-path.js';
import { granularList, itemElement } from './field-path.js';
import type { FieldsV1 } from './field-set.js';

/** Met a map-list with two items of one key: the caller falls back to `FieldSet`, which merges them. */
class DuplicateItem extends Error {}

/**
 * The `fieldsV1` tree of every field `obj` sets: what
 * `FieldSet.of(obj, schema, skip).toFieldsV1()` gives, built in one walk
 * without the set (no path keys, no sorting of whole paths). A create owns
 * all of its object, so this is all recording its managedFields needs.
 * `undefined` when a granular list holds two items of one key (invalid for
 * every built-in kind; the set handles it).
 *
 * `skip` sees the path of each field as a stack that the walk reuses: it
 * must not keep it.
 */
export function fieldsV1Of(
  obj: unknown,
  schema: FieldSchema | undefined,
  skip: (path: FieldPath) => boolean,
): FieldsV1 | undefined {
  const root: FieldsV1 = {};
  try {
    if (isJsonObject(obj) && !schema?.atomic) addMembers(root, obj, schema, [], skip);
  } catch (err) {
    if (err instanceof DuplicateItem) return undefined;
    throw err;
  }
  return root;
}

/** Adds the fields of an object's members under `node`; returns whether it added any. */
function addMembers(
  node: FieldsV1,
  obj: Record<string, unknown>,
  schema: FieldSchema | undefined,
  path: string[],
  skip: (path: FieldPath) => boolean,
): boolean {
  let added = false;
  for (const key of Object.keys(obj).sort()) {
    const element = `f:${key}`;
    path.push(element);
    if (!skip(path)) added = addValue(node, element, obj[key], memberSchema(schema, key), path, skip) || added;
    path.pop();
  }
  return added;
}

/** Adds what `value`, at `element` under `node`, sets; returns whether it added anything. */
function addValue(
  node: FieldsV1,
  element: string,
  value: unknown,
  schema: FieldSchema | undefined,
  path: string[],
  skip: (path: FieldPath) => boolean,
): boolean {
  if (isJsonObject(value) && !schema?.atomic && Object.keys(value).length > 0) {
    const child: FieldsV1 = {};
    if (!addMembers(child, value, schema, path, skip)) return false;
    node[element] = child;
    return true;
  }
  const list = schema?.list;
  if (Array.isArray(value) && granularList(list, value)) {
    if (value.length === 0) return false;
    const items = value
      .map((item) => ({ item, element: itemElement(item, list) }))
      .sort((a, b) => (a.element < b.element ? -1 : a.element > b.element ? 1 : 0));
    const child: FieldsV1 = {};
    for (const { item, element: itemKey } of items) {
      if (Object.hasOwn(child, itemKey)) throw new DuplicateItem();
      // The item is owned itself; a map item also through its fields (`"."` beside them).
      const fields: FieldsV1 = {};
      path.push(itemKey);
      const hasFields = list.type === 'map' && !skip(path) && itemFields(fields, item, list.items, path, skip);
      path.pop();
      child[itemKey] = hasFields ? { '.': {}, ...fields } : {};
    }
    node[element] = child;
    return true;
  }
  node[element] = {};
  return true;
}

/** The fields of a map-list item, as of any other value: an object's members unless it is atomic or empty. */
function itemFields(
  node: FieldsV1,
  item: unknown,
  schema: FieldSchema | undefined,
  path: string[],
  skip: (path: FieldPath) => boolean,
): boolean {
  return isJsonObject(item) && !schema?.atomic && Object.keys(item).length > 0
    ? addMembers(node, item, schema, path, skip)
    : false;
}
