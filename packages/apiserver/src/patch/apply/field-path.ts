import { isJsonObject, jsonEqual } from '@flotilla/core';
import { type FieldSchema, type ListSchema, memberSchema } from '../field-schema.js';

/**
 * One step of a field path in the `fieldsV1` encoding Kubernetes stores in
 * `managedFields`: `f:<name>` (an object member), `k:<json>` (a map-list
 * item by its keys, `k:{"name":"web"}`), `v:<json>` (a set-list item,
 * `v:"a"`), `i:<n>` (a list item by index).
 */
export type PathElement = string;

/** A path from the object's root, as elements. */
export type FieldPath = readonly PathElement[];

/**
 * A path as structured-merge-diff prints it in conflict messages:
 * `.spec.template.spec.containers[name="web"].image`, `[="a"]` for a set
 * item, `[containerPort=80,protocol="TCP"]` for a multi-key item.
 */
export function pathString(path: FieldPath): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      if (element.startsWith('f:')) return `.${body}`;
      if (element.startsWith('v:')) return `[=${body}]`;
      if (element.startsWith('i:')) return `[${body}]`;
      const keys = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(keys)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

const sortedKeyLists = new WeakMap<readonly string[], readonly string[]>();

/** A list's keys in name order, as `k:` elements carry them; computed once per list description. */
function sortedKeys(keys: readonly string[]): readonly string[] {
  let sorted = sortedKeyLists.get(keys);
  if (!sorted) {
    sorted = [...keys].sort();
    sortedKeyLists.set(keys, sorted);
  }
  return sorted;
}

/**
 * `k:` elements of single-key lists already spelled, by list description and
 * key value: containers and env vars are named alike in every object of a
 * kind, and spelling one builds an object and serializes it.
 */
const singleKeyElements = new WeakMap<ListSchema, Map<string | number, PathElement>>();

/** The `k:` element of a map-list item, or `undefined` when it lacks a key without a default. */
export function keyElement(item: unknown, list: ListSchema): PathElement | undefined {
  if (!isJsonObject(item) || !list.keys) return undefined;
  if (list.keys.length === 1) return singleKeyElement(item, list, list.keys[0]!);
  const keys: Record<string, unknown> = {};
  for (const key of sortedKeys(list.keys)) {
    const value = Object.hasOwn(item, key) ? item[key] : list.keyDefaults?.[key];
    if (value === undefined || value === null) return undefined;
    keys[key] = value;
  }
  return `k:${JSON.stringify(keys)}`;
}

/** `keyElement` of an item of a list keyed by `key` alone: remembered when the value is a string or a number. */
function singleKeyElement(item: Record<string, unknown>, list: ListSchema, key: string): PathElement | undefined {
  const value = Object.hasOwn(item, key) ? item[key] : list.keyDefaults?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return `k:${JSON.stringify({ [key]: value })}`;
  let spelled = singleKeyElements.get(list);
  if (!spelled) {
    spelled = new Map();
    singleKeyElements.set(list, spelled);
  }
  let element = spelled.get(value);
  if (element === undefined) {
    element = `k:${JSON.stringify({ [key]: value })}`;
    if (spelled.size < MAX_MEMBER_ELEMENTS) spelled.set(value, element);
  }
  return element;
}

/** Whether a list is merged item by item by apply; lists not described are atomic. */
export function granularList(list: ListSchema | undefined, items: unknown[]): list is ListSchema {
  if (!list || list.type === 'atomic') return false;
  return list.type === 'set' || items.every((item) => keyElement(item, list) !== undefined);
}

/**
 * The elements naming each item of a list, when it is merged item by item;
 * `undefined` when it is atomic (`granularList` and `itemElement` in one
 * pass: a map item's key is encoded once).
 */
export function itemElements(list: ListSchema | undefined, items: unknown[]): PathElement[] | undefined {
  if (!list || list.type === 'atomic') return undefined;
  const elements: PathElement[] = [];
  for (const item of items) {
    const element = list.type === 'set' ? `v:${JSON.stringify(item)}` : keyElement(item, list);
    if (element === undefined) return undefined;
    elements.push(element);
  }
  return elements;
}

/** Member elements already spelled, by member name: the names of one kind's fields recur in every object. */
const memberElements = new Map<string, PathElement>();
/** Bounds the spelled names (label and annotation keys are anyone's). */
const MAX_MEMBER_ELEMENTS = 4096;

/** The `f:` element of member `key`. */
export function memberElement(key: string): PathElement {
  let element = memberElements.get(key);
  if (element === undefined) {
    element = `f:${key}`;
    if (memberElements.size < MAX_MEMBER_ELEMENTS) memberElements.set(key, element);
  }
  return element;
}

/** The element naming `item` inside a granular list. */
export function itemElement(item: unknown, list: ListSchema): PathElement {
  return list.type === 'set' ? `v:${JSON.stringify(item)}` : (keyElement(item, list) as PathElement);
}

/** What a path leads to in `obj`: `found` is false where a step is missing. */
export function valueAt(
  obj: unknown,
  path: FieldPath,
  schema: FieldSchema | undefined,
): { found: boolean; value?: unknown } {
  let current = obj;
  let sub = schema;
  for (const element of path) {
    const next = step(current, element, sub);
    if (!next) return { found: false };
    current = next.value;
    sub = next.schema;
  }
  return { found: true, value: current };
}

function step(
  container: unknown,
  element: PathElement,
  schema: FieldSchema | undefined,
): { value: unknown; schema: FieldSchema | undefined; index: number | string } | undefined {
  const body = element.slice(2);
  if (element.startsWith('f:')) {
    if (!isJsonObject(container) || !Object.hasOwn(container, body)) return undefined;
    return { value: container[body], schema: memberSchema(schema, body), index: body };
  }
  if (!Array.isArray(container)) return undefined;
  const list = schema?.list;
  let index = -1;
  if (element.startsWith('i:')) index = Number(body) < container.length ? Number(body) : -1;
  else if (list && element.startsWith('v:')) index = container.findIndex((v) => jsonEqual(v, JSON.parse(body)));
  else if (list) index = container.findIndex((v) => keyElement(v, list) === element);
  return index < 0 ? undefined : { value: container[index], schema: list?.items, index };
}

/** Removes what `path` leads to from `obj` in place; a missing path is left alone. */
export function removeAt(obj: unknown, path: FieldPath, schema: FieldSchema | undefined): void {
  const parent = valueAt(obj, path.slice(0, -1), schema);
  if (!parent.found) return;
  const parentSchema = schemaAt(path.slice(0, -1), schema);
  const last = step(parent.value, path[path.length - 1], parentSchema);
  if (!last) return;
  if (Array.isArray(parent.value)) parent.value.splice(last.index as number, 1);
  else delete (parent.value as Record<string, unknown>)[last.index];
}

/** The description of the field a path leads to. */
export function schemaAt(path: FieldPath, schema: FieldSchema | undefined): FieldSchema | undefined {
  let sub = schema;
  for (const element of path) sub = element.startsWith('f:') ? memberSchema(sub, element.slice(2)) : sub?.list?.items;
  return sub;
}
