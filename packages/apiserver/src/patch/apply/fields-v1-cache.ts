import { isJsonObject, shareJson } from '@flotilla/core';
import { type FieldSchema, memberSchema } from '../field-schema.js';
import type { FieldPath } from './field-path.js';
import { itemElements, memberElement } from './field-path.js';
import type { FieldsV1 } from './field-set.js';
import { fieldsV1Of } from './fields-v1-of.js';

/** What a value adds to its parent's tree, against the tree it is expected to give. */
type Fit = typeof SAME | typeof NOTHING | typeof DIFFERS;
/** It adds exactly the expected tree. */
const SAME = 0;
/** It adds nothing (and nothing was expected). */
const NOTHING = 1;
/** Anything else: the tree must be built. */
const DIFFERS = 2;

/**
 * A kept tree as the walk reads it: each node's fields in a Map, with their
 * count (looked up per member of every object checked, where counting a
 * frozen object's keys or reading a member missing from it costs more).
 */
interface Shape {
  readonly size: number;
  readonly fields: ReadonlyMap<string, Shape>;
}

function shapeOf(tree: FieldsV1): Shape {
  const fields = new Map<string, Shape>();
  for (const key in tree) fields.set(key, shapeOf(tree[key]!));
  return { size: fields.size, fields };
}

/** Whether `obj` has no member. */
function isEmpty(obj: object): boolean {
  for (const _ in obj) return false;
  return true;
}

/**
 * Whether the members of `obj` add exactly `expected` fields, each the tree
 * `tree` holds for it (what `addMembers` would add). Walks `obj` without
 * building anything.
 */
function membersFit(
  tree: Shape,
  expected: number,
  obj: Record<string, unknown>,
  schema: FieldSchema | undefined,
  path: string[],
  skip: (path: FieldPath) => boolean,
): boolean {
  let added = 0;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    const element = memberElement(key);
    path.push(element);
    const field = tree.fields.get(element);
    const fit = skip(path) ? NOTHING : valueFit(field, obj[key], memberSchema(schema, key), path, skip);
    path.pop();
    if (fit === DIFFERS) return false;
    if (fit === SAME) added++;
    else if (field !== undefined) return false;
  }
  return added === expected;
}

/** How `value` compares with `tree`, the fields expected of it (`undefined`: none), as `addValue` would add them. */
function valueFit(
  tree: Shape | undefined,
  value: unknown,
  schema: FieldSchema | undefined,
  path: string[],
  skip: (path: FieldPath) => boolean,
): Fit {
  if (isJsonObject(value) && !schema?.atomic && !isEmpty(value)) {
    // An object adds its members' fields, or nothing when none adds any: a tree without fields never fits it.
    if (tree === undefined || tree.size === 0) return DIFFERS;
    return membersFit(tree, tree.size, value, schema, path, skip) ? SAME : DIFFERS;
  }
  const list = schema?.list;
  const elements = list && Array.isArray(value) ? itemElements(list, value) : undefined;
  if (list && elements) {
    if (elements.length === 0) return tree === undefined ? NOTHING : DIFFERS;
    // Two items of one key give fewer fields than items: the tree is built (and declines them).
    if (tree === undefined || tree.size !== elements.length) return DIFFERS;
    for (let i = 0; i < elements.length; i++) {
      const itemTree = tree.fields.get(elements[i]!);
      if (itemTree === undefined) return DIFFERS;
      path.push(elements[i]!);
      const fits = itemFits(
        itemTree,
        (value as unknown[])[i],
        list.type === 'map' && !skip(path),
        list.items,
        path,
        skip,
      );
      path.pop();
      if (!fits) return DIFFERS;
    }
    return SAME;
  }
  return tree !== undefined && tree.size === 0 ? SAME : DIFFERS;
}

/** Whether a list item gives `tree`: `{}` alone, or `"."` and its fields when it is a map item with fields. */
function itemFits(
  tree: Shape,
  item: unknown,
  withFields: boolean,
  schema: FieldSchema | undefined,
  path: string[],
  skip: (path: FieldPath) => boolean,
): boolean {
  if (tree.size === 0) return !withFields || !isJsonObject(item) || schema?.atomic === true || isEmpty(item);
  const self = tree.fields.get('.');
  if (tree.size < 2 || !withFields || self === undefined || self.size !== 0 || !isJsonObject(item) || schema?.atomic)
    return false;
  return membersFit(tree, tree.size - 1, item, schema, path, skip);
}

/** A kept tree, and its shape for the walk. */
interface Kept {
  readonly tree: FieldsV1;
  readonly shape: Shape;
}

/** How many trees are kept per schema and skip rule: objects of one kind come from a few templates. */
const TREES_KEPT = 4;

/**
 * Trees of more fields than this are shared but not kept: an object of
 * thousands of fields (a Pod of 50 containers with 100 env vars each has
 * about 20,000) is rarely a template, and keeping one costs its shape (a
 * Map per field) and holds it, with up to three more, where the collector
 * walks them: creates of that Pod over HTTP took a third less CPU without
 * (`npm run bench -- input`, issue 18); it would also push a kept template
 * out.
 */
const MAX_KEPT_FIELDS = 2000;

/** The fields of `tree` at any depth, counted up to just past `max`. */
function fieldCount(tree: FieldsV1, max: number): number {
  let count = 0;
  for (const key in tree) {
    count += 1 + fieldCount(tree[key]!, max - count - 1);
    if (count > max) break;
  }
  return count;
}

/**
 * `fieldsV1Of` with the trees it built kept and shared (`shareJson`) by
 * every object they fit, so that copies of those objects keep the tree
 * rather than copy it: objects of one kind written by one controller or client
 * nearly always set the same fields, so a create's managedFields are checked
 * against a kept tree in one walk of the object that builds nothing, and
 * built only when none fits. The result is the tree `fieldsV1Of` gives,
 * byte for byte; it must not be changed (it is frozen).
 */
export class FieldsV1Cache {
  /** Up to `TREES_KEPT` trees per schema and skip rule, the last used first. */
  private readonly trees = new WeakMap<FieldSchema, Map<(path: FieldPath) => boolean, Kept[]>>();

  /** `fieldsV1Of(obj, schema, skip)`, from a kept tree when one fits. */
  fieldsOf(obj: unknown, schema: FieldSchema | undefined, skip: (path: FieldPath) => boolean): FieldsV1 | undefined {
    if (schema === undefined || schema.atomic || !isJsonObject(obj)) return fieldsV1Of(obj, schema, skip);
    let bySkip = this.trees.get(schema);
    if (!bySkip) {
      bySkip = new Map();
      this.trees.set(schema, bySkip);
    }
    let kept = bySkip.get(skip);
    if (!kept) {
      kept = [];
      bySkip.set(skip, kept);
    }
    for (let i = 0; i < kept.length; i++) {
      const { tree, shape } = kept[i]!;
      if (!membersFit(shape, shape.size, obj, schema, [], skip)) continue;
      if (i > 0) kept.unshift(...kept.splice(i, 1));
      return tree;
    }
    const built = fieldsV1Of(obj, schema, skip);
    if (built === undefined) return undefined;
    if (fieldCount(built, MAX_KEPT_FIELDS) > MAX_KEPT_FIELDS) return shareJson(built);
    kept.unshift({ tree: shareJson(built), shape: shapeOf(built) });
    if (kept.length > TREES_KEPT) kept.pop();
    return built;
  }
}
