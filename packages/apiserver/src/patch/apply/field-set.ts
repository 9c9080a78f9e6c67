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
  /** The `fieldsV1` tree, once made (or as decoded, when it was already canonical). */
  private encoded: FieldsV1 | undefined;

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  /** Adds a path. */
  add(path: FieldPath): void {
    const key = path.join(SEPARATOR);
    if (this.members.has(key)) return;
    this.members.set(key, path);
    this.encoded = undefined;
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
    const kept = [...this.members].filter(([key]) => !other.members.has(key));
    // Sets are not changed once built: nothing taken away, this one (and its encoding) serves.
    return kept.length === this.members.size ? this : FieldSet.fromEntries(kept);
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

  /**
   * The set encoded as `fieldsV1`, members with children marked `"."`, keys
   * sorted. Members are inserted in the order of their keys: a key sorts as
   * its elements do, one by one (the separator sorts below every other
   * character), so every node's keys come out sorted, `"."` first, without
   * sorting each node again. The tree is built once per set; callers get it
   * to serialise, never to change.
   */
  toFieldsV1(): FieldsV1 {
    if (this.encoded) return this.encoded;
    const root: FieldsV1 = {};
    const keys = [...this.members.keys()].sort();
    for (const key of keys) {
      let node = root;
      for (const element of this.members.get(key)!) {
        if (!Object.hasOwn(node, element)) node[element] = {};
        node = node[element]!;
      }
      if (this.inner.has(key)) node['.'] = {};
    }
    this.encoded = root;
    return root;
  }

  /** Decodes `fieldsV1`; throws a `PatchError` for anything that is not such a tree. */
  static fromFieldsV1(fields: unknown, where = 'metadata.managedFields'): FieldSet {
    const set = new FieldSet();
    // A tree already in the form `toFieldsV1` makes is kept as the set's encoding: a manager whose fields a
    // write leaves alone is written back as stored, without encoding it again.
    let canonical = true;
    const stack: { node: unknown; path: FieldPath }[] = [{ node: fields, path: [] }];
    for (let item = stack.pop(); item; item = stack.pop()) {
      if (!isJsonObject(item.node)) throw new PatchError('BadRequest', where, 'fieldsV1 must be a tree of objects');
      const keys = Object.keys(item.node);
      const marked = keys[0] === '.';
      if (item.path.length > 0 && (keys.length === 0 || keys.includes('.'))) set.add(item.path);
      if (canonical) canonical = canonicalNode(item.node, keys, marked, item.path.length === 0);
      for (const key of keys) {
        if (key === '.') continue;
        if (!/^[fkvi]:/.test(key))
          throw new PatchError('BadRequest', where, `bad fieldsV1 element ${JSON.stringify(key)}`);
        stack.push({ node: item.node[key], path: [...item.path, key] });
      }
    }
    if (canonical) set.encoded = fields as FieldsV1;
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
    // Against nothing, every field is new: one set serves as both.
    const changed = before === undefined ? fields : new FieldSet();
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
      if (isChanged && changed !== fields) changed.addFrom(frame.path, frame.key, frame.parent);
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
    this.encoded = undefined;
    type Ancestor = { path: FieldPath; key: string; parent?: unknown };
    for (
      let a = parent as Ancestor | undefined;
      a && a.path.length > 0 && !this.inner.has(a.key);
      a = a.parent as Ancestor | undefined
    )
      this.inner.add(a.key);
  }
}

/**
 * Whether a `fieldsV1` node is as `toFieldsV1` writes it: keys sorted, `"."`
 * (empty) first and only beside children, none at the root.
 */
function canonicalNode(node: Record<string, unknown>, keys: string[], marked: boolean, root: boolean): boolean {
  if (marked && (root || keys.length === 1)) return false;
  const mark = node['.'];
  if (marked && !(isJsonObject(mark) && Object.keys(mark).length === 0)) return false;
  for (let i = marked ? 2 : 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return !(!marked && keys.includes('.'));
}
