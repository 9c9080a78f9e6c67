import { isJsonObject } from '@flotilla/core';
import type { FieldSchema } from '../field-schema.js';
import { memberSchema } from '../field-schema.js';
import { PatchError } from '../patch-error.js';
import { type FieldPath, granularList, itemElement } from './field-path.js';

/** The `fieldsV1` tree of a managedFields entry: `{"f:spec":{"f:replicas":{}}}`, `"."` marking an owned inner node. */
export interface FieldsV1 {
  [element: string]: FieldsV1;
}

const SEPARATOR = '\u0000';

/**
 * A set of field paths, as a managedFields entry owns them. A path is a
 * member when the entry owns that field (a leaf) or that node itself (a
 * list item, a map, marked `"."` in `fieldsV1`).
 */
export class FieldSet {
  private readonly members = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  /** Adds a path. */
  add(path: FieldPath): void {
    this.members.set(path.join(SEPARATOR), path);
  }

  /** Whether `path` is a member. */
  has(path: FieldPath): boolean {
    return this.members.has(path.join(SEPARATOR));
  }

  /** Every member path, in the order structured-merge-diff prints them (element by element). */
  paths(): FieldPath[] {
    return [...this.members.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, path]) => path);
  }

  /** How many paths are members. */
  get size(): number {
    return this.members.size;
  }

  /** The members of this set that are not in `other`. */
  difference(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((p) => !other.has(p)));
  }

  /** The members of this set that are also in `other`. */
  intersection(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((p) => other.has(p)));
  }

  /** The members of either set. */
  union(other: FieldSet): FieldSet {
    return new FieldSet([...this.paths(), ...other.paths()]);
  }

  /** Whether some member lies strictly below `path`. */
  hasDescendant(path: FieldPath): boolean {
    const prefix = path.join(SEPARATOR) + SEPARATOR;
    for (const key of this.members.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  /** The set encoded as `fieldsV1`, members with children marked `"."`, keys sorted. */
  toFieldsV1(): FieldsV1 {
    const root: FieldsV1 = {};
    for (const path of this.paths().sort((a, b) => a.length - b.length)) {
      let node = root;
      for (const element of path) {
        if (!Object.hasOwn(node, element)) node[element] = {};
        node = node[element];
      }
      node['.'] = {};
    }
    return sortTree(unmarkLeaves(root));
  }

  /** Decodes `fieldsV1`; throws a `PatchError` for anything that is not such a tree. */
  static fromFieldsV1(fields: unknown, where = 'metadata.managedFields'): FieldSet {
    const set = new FieldSet();
    const stack: { node: unknown; path: FieldPath }[] = [{ node: fields, path: [] }];
    for (let item = stack.pop(); item; item = stack.pop()) {
      if (!isJsonObject(item.node)) throw new PatchError('BadRequest', where, 'fieldsV1 must be a tree of objects');
      const keys = Object.keys(item.node);
      if (item.path.length > 0 && (keys.length === 0 || keys.includes('.'))) set.add(item.path);
      for (const key of keys) {
        if (key === '.') continue;
        if (!/^[fkvi]:/.test(key))
          throw new PatchError('BadRequest', where, `bad fieldsV1 element ${JSON.stringify(key)}`);
        stack.push({ node: item.node[key], path: [...item.path, key] });
      }
    }
    return set;
  }

  /**
   * The fields `obj` sets, as apply owns them: every leaf value, every
   * item of a granular list (as a member and through its fields), an atomic
   * list or object as one leaf, an empty object as a leaf.
   */
  static of(obj: unknown, schema: FieldSchema | undefined, skip: (path: FieldPath) => boolean = () => false): FieldSet {
    const set = new FieldSet();
    const stack: { value: unknown; schema: FieldSchema | undefined; path: FieldPath }[] = [
      { value: obj, schema, path: [] },
    ];
    for (let item = stack.pop(); item; item = stack.pop()) {
      const { value, path } = item;
      if (path.length > 0 && skip(path)) continue;
      if (isJsonObject(value) && !item.schema?.atomic && Object.keys(value).length > 0) {
        for (const key of Object.keys(value))
          stack.push({ value: value[key], schema: memberSchema(item.schema, key), path: [...path, `f:${key}`] });
      } else if (Array.isArray(value) && granularList(item.schema?.list, value)) {
        const list = item.schema?.list as NonNullable<FieldSchema['list']>;
        for (const member of value) {
          const itemPath = [...path, itemElement(member, list)];
          set.add(itemPath);
          if (list.type === 'map') stack.push({ value: member, schema: list.items, path: itemPath });
        }
      } else if (path.length > 0) set.add(path);
    }
    // A map-list item's members include its own fields; the item itself is added above.
    return set;
  }
}

/** Leaves carry no `"."`: `{}` alone marks them. */
function unmarkLeaves(node: FieldsV1): FieldsV1 {
  const stack: FieldsV1[] = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    const keys = Object.keys(n);
    if (keys.length === 1 && keys[0] === '.') delete n['.'];
    for (const key of keys) if (key !== '.') stack.push(n[key]);
  }
  return node;
}

function sortTree(node: FieldsV1): FieldsV1 {
  const out: FieldsV1 = {};
  for (const key of Object.keys(node).sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0)))
    out[key] = sortTree(node[key]);
  return out;
}
