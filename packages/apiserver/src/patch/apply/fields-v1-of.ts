import { isJsonObject } from '@flotilla/core';
import { type FieldSchema, memberSchema } from '../field-schema.js';
import type { FieldPath } from './field-path.js';
import { itemElements, memberElement } from './field-path.js';
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
    if (isJsonObject(obj) && !schema?.atomic) addMembers(root, obj, Object.keys(obj), schema, [], skip);
  } catch (err) {
    if (err instanceof DuplicateItem) return undefined;
    throw err;
  }
  return root;
}

/** Adds the fields of an object's members (`keys`, its own keys) under `node`; returns whether it added any. */
function addMembers(
  node: FieldsV1,
  obj: Record<string, unknown>,
  keys: string[],
  schema: FieldSchema | undefined,
  path: string[],
  skip: (path: FieldPath) => boolean,
): boolean {
  let added = false;
  for (const key of keys.sort()) {
    const element = memberElement(key);
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
  if (isJsonObject(value) && !schema?.atomic) {
    const keys = Object.keys(value);
    if (keys.length > 0) {
      const child: FieldsV1 = {};
      if (!addMembers(child, value, keys, schema, path, skip)) return false;
      node[element] = child;
      return true;
    }
  }
  const list = schema?.list;
  const elements = Array.isArray(value) ? itemElements(list, value) : undefined;
  if (list && elements) {
    if (elements.length === 0) return false;
    const order = elements.map((_, i) => i).sort((a, b) => compare(elements[a]!, elements[b]!));
    const child: FieldsV1 = {};
    for (const i of order) {
      const itemKey = elements[i]!;
      if (Object.hasOwn(child, itemKey)) throw new DuplicateItem();
      // The item is owned itself; a map item also through its fields (`"."` before them, as it sorts first).
      const fields: FieldsV1 = { '.': {} };
      path.push(itemKey);
      const hasFields =
        list.type === 'map' && !skip(path) && itemFields(fields, (value as unknown[])[i], list.items, path, skip);
      path.pop();
      child[itemKey] = hasFields ? fields : {};
    }
    node[element] = child;
    return true;
  }
  node[element] = {};
  return true;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The fields of a map-list item, as of any other value: an object's members unless it is atomic or empty. */
function itemFields(
  node: FieldsV1,
  item: unknown,
  schema: FieldSchema | undefined,
  path: string[],
  skip: (path: FieldPath) => boolean,
): boolean {
  if (!isJsonObject(item) || schema?.atomic) return false;
  const keys = Object.keys(item);
  return keys.length > 0 && addMembers(node, item, keys, schema, path, skip);
}
