import { isJsonObject, jsonEqual } from '@flotilla/core';
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
  /** Keys of every proper prefix of a member, so `hasDescendant` is one look-up. */
  private readonly inner = new Set<string>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  /** Adds a path. */
  add(path: FieldPath): void {
    const key = path.join(SEPARATOR);
    if (this.members.has(key)) return;
    this.members.set(key, path);
    let prefix = '';
    for (let i = 0; i < path.length - 1; i++) {
      prefix = i === 0 ? path[0] : prefix + SEPARATOR + path[i];
      this.inner.add(prefix);
    }
  }

  /** Whether `path` is a member. */
  has(path: FieldPath): boolean {
    return this.members.has(path.join(SEPARATOR));
  }

  /** Every member path, in the order they were added. */
  paths(): FieldPath[] {
    return [...this.members.values()];
  }

  /** Every member path, in the order structured-merge-diff prints them (element by element). */
  sortedPaths(): FieldPath[] {
    return [...this.members.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, path]) => path);
  }

  /** How many paths are members. */
  get size(): number {
    return this.members.size;
  }

  /** The members of this set that are not in `other`. */
  difference(other: FieldSet): FieldSet {
    return FieldSet.fromEntries([...this.members].filter(([key]) => !other.members.has(key)));
  }

  /** The members of this set that are also in `other`. */
  intersection(other: FieldSet): FieldSet {
    return FieldSet.fromEntries([...this.members].filter(([key]) => other.members.has(key)));
  }

  /** The members of either set. */
  union(other: FieldSet): FieldSet {
    const out = FieldSet.fromEntries([...this.members, ...other.members], false);
    for (const key of this.inner) out.inner.add(key);
    for (const key of other.inner) out.inner.add(key);
    return out;
  }

  /** A set of these keyed members; their prefixes are found in the keys themselves, without joining paths again. */
  private static fromEntries(entries: [string, FieldPath][], markInner = true): FieldSet {
    const set = new FieldSet();
    for (const [key, path] of entries) {
      set.members.set(key, path);
      if (!markInner) continue;
      for (let at = key.indexOf(SEPARATOR); at >= 0; at = key.indexOf(SEPARATOR, at + 1))
        set.inner.add(key.slice(0, at));
    }
    return set;
  }

  /** Whether some member lies strictly below `path`. */
  hasDescendant(path: FieldPath): boolean {
    return this.inner.has(path.join(SEPARATOR));
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
    return FieldSet.diff(undefined, obj, schema, skip).fields;
  }

  /**
   * The fields `after` sets (`fields`, as `of` gives them) and those of them
   * that are new or hold another value than in `before` (`changed`; for a
   * list item or a map: whether it exists). One walk of `after`, the
   * matching parts of `before` followed alongside.
   */
  static diff(
    before: unknown,
    after: unknown,
    schema: FieldSchema | undefined,
    skip: (path: FieldPath) => boolean = () => false,
  ): { fields: FieldSet; changed: FieldSet } {
    const fields = new FieldSet();
    const changed = new FieldSet();
    interface Frame {
      value: unknown;
      old: { found: boolean; value?: unknown };
      schema: FieldSchema | undefined;
      path: FieldPath;
      key: string;
      parent?: Frame;
    }
    const member = (frame: Frame, isChanged: boolean) => {
      fields.addFrom(frame.path, frame.key, frame.parent);
      if (isChanged) changed.addFrom(frame.path, frame.key, frame.parent);
    };
    const child = (frame: Frame, element: string, value: unknown, old: Frame['old'], sub: FieldSchema | undefined) => ({
      value,
      old,
      schema: sub,
      path: [...frame.path, element],
      key: frame.path.length ? frame.key + SEPARATOR + element : element,
      parent: frame,
    });
    const stack: Frame[] = [{ value: after, old: { found: true, value: before }, schema, path: [], key: '' }];
    for (let frame = stack.pop(); frame; frame = stack.pop()) {
      const { value, old, path } = frame;
      if (path.length > 0 && skip(path)) continue;
      if (isJsonObject(value) && !frame.schema?.atomic && Object.keys(value).length > 0) {
        const oldObject = old.found && isJsonObject(old.value) ? old.value : undefined;
        for (const key of Object.keys(value)) {
          const oldMember =
            oldObject && Object.hasOwn(oldObject, key) ? { found: true, value: oldObject[key] } : { found: false };
          stack.push(child(frame, `f:${key}`, value[key], oldMember, memberSchema(frame.schema, key)));
        }
      } else if (Array.isArray(value) && granularList(frame.schema?.list, value)) {
        const list = frame.schema?.list as NonNullable<FieldSchema['list']>;
        const oldItems = new Map<string, unknown>();
        if (old.found && Array.isArray(old.value) && granularList(list, old.value))
          for (const item of old.value) oldItems.set(itemElement(item, list), item);
        for (const item of value) {
          const element = itemElement(item, list);
          const oldItem = oldItems.has(element) ? { found: true, value: oldItems.get(element) } : { found: false };
          const itemFrame = child(frame, element, item, oldItem, list.items);
          member(itemFrame, !oldItem.found);
          if (list.type === 'map') stack.push(itemFrame);
        }
      } else if (path.length > 0) member(frame, !old.found || !jsonEqual(old.value, value));
    }
    return { fields, changed };
  }

  /** Adds a member found by a walk: its key is known, and its ancestors are marked inner up to one already marked. */
  private addFrom(
    path: FieldPath,
    key: string,
    parent: { path: FieldPath; key: string; parent?: unknown } | undefined,
  ): void {
    if (this.members.has(key)) return;
    this.members.set(key, path);
    type Ancestor = { path: FieldPath; key: string; parent?: unknown };
    for (
      let a = parent as Ancestor | undefined;
      a && a.path.length > 0 && !this.inner.has(a.key);
      a = a.parent as Ancestor | undefined
    )
      this.inner.add(a.key);
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
