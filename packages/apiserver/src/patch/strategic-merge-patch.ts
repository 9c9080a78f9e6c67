import { cloneJson, isJsonObject, jsonEqual, setMember } from '@flotilla/core';
import { builtinFieldSchema } from './builtin-field-schemas.js';
import { type FieldSchema, type ListSchema, memberSchema } from './field-schema.js';
import { assertJsonDepth } from './json-depth.js';
import { PatchError, UnsupportedPatchTypeError } from './patch-error.js';

type JsonMap = Record<string, unknown>;

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** The patch content types a kind without a Go struct (a custom resource) is served. */
export const NON_STRATEGIC_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/**
 * Applies an `application/strategic-merge-patch+json` body to a built-in
 * kind's object and returns the result; `original` is not changed. The kind
 * is read from `original` (`apiVersion`, `kind`).
 *
 * Kubernetes' rules: maps merge member by member and `null` deletes a member;
 * lists tagged `patchStrategy:"merge"` merge item by item on their merge key
 * (containers by `name`, ports by `containerPort`, ...) or as a set for
 * scalars (`finalizers`); other lists are replaced. Directives:
 * `$patch: replace` (a map or list is replaced, not merged), `$patch: delete`
 * (in a list item: remove the item with that key; in a map: clear it),
 * `$setElementOrder/<list>`
 * (the order of the merged list; items only the server has keep their
 * places), `$retainKeys` (keys of a `retainKeys` field not listed are
 * cleared), `$deleteFromPrimitiveList/<list>` (remove these scalars).
 *
 * Throws `UnsupportedPatchTypeError` (415) for a kind with no Go struct, as
 * kube-apiserver does for custom resources, and `PatchError` for a malformed
 * patch. Unlike Kubernetes, directives in a patch value for a member the
 * object does not have yet are processed, never stored.
 */
export function applyStrategicMergePatch<T>(original: T, patch: unknown, schema?: FieldSchema): T {
  const kindSchema = schema ?? schemaOf(original);
  if (!isJsonObject(patch)) throw new PatchError('BadRequest', '', 'a strategic merge patch must be a JSON object');
  assertJsonDepth(patch);
  return mergeMap(isJsonObject(original) ? original : {}, patch, kindSchema, '') as T;
}

function schemaOf(original: unknown): FieldSchema {
  const { apiVersion, kind } = isJsonObject(original) ? original : {};
  const schema = typeof apiVersion === 'string' && typeof kind === 'string' && builtinFieldSchema(apiVersion, kind);
  if (!schema) throw new UnsupportedPatchTypeError('application/strategic-merge-patch+json', NON_STRATEGIC_PATCH_TYPES);
  return schema;
}

function mergeMap(original: JsonMap, patch: JsonMap, schema: FieldSchema | undefined, path: string): JsonMap {
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (directive === 'replace') return cloneJson(withoutKey(patch, PATCH));
    if (directive === 'delete') return {};
    throw new PatchError('BadRequest', path, `unknown $patch directive ${JSON.stringify(directive)} on a map`);
  }
  const out: JsonMap = { ...original };
  const retained = retainKeysOf(patch, schema, path);
  for (const key in patch) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      const remove = arrayDirective(patch[key], `${join(path, field)}`, key);
      if (Array.isArray(out[field]))
        setMember(
          out,
          field,
          (out[field] as unknown[]).filter((v) => !remove.some((r) => jsonEqual(r, v))),
        );
    }
  }
  for (const key in patch) {
    if (key.startsWith('$')) continue;
    const value = patch[key];
    const sub = memberSchema(schema, key);
    const subPath = join(path, key);
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    setMember(out, key, mergeValue(current, value, sub, subPath, patch[`${SET_ELEMENT_ORDER}${key}`]));
  }
  for (const key in patch) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const field = key.slice(SET_ELEMENT_ORDER.length);
    const order = arrayDirective(patch[key], join(path, field), key);
    // An order for a list the patch leaves alone still reorders it (kubectl sends
    // one when only the order of a merged list changed).
    if (!Object.hasOwn(patch, field) && Array.isArray(out[field])) {
      setMember(
        out,
        field,
        orderList(out[field] as unknown[], out[field] as unknown[], order, memberSchema(schema, field)?.list),
      );
    }
  }
  if (retained) for (const key of Object.keys(out)) if (!retained.has(key)) delete out[key];
  return out;
}

function mergeValue(
  current: unknown,
  value: unknown,
  schema: FieldSchema | undefined,
  path: string,
  order: unknown,
): unknown {
  if (isJsonObject(value)) return mergeMap(isJsonObject(current) ? current : {}, value, schema, path);
  if (Array.isArray(value)) {
    const list = schema?.list;
    if (list && list.type !== 'atomic') {
      const explicitOrder = order === undefined ? undefined : arrayDirective(order, path, `${SET_ELEMENT_ORDER}…`);
      return mergeList(Array.isArray(current) ? current : [], value, list, path, explicitOrder);
    }
    return cloneJson(value);
  }
  return value;
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  list: ListSchema,
  path: string,
  order: unknown[] | undefined,
): unknown[] {
  // Directive items, as kube-apiserver reads them: `delete` removes the item
  // with that key, `replace` makes the list the patch's other items.
  const directives = patch.filter((item): item is JsonMap => isJsonObject(item) && Object.hasOwn(item, PATCH));
  for (const item of directives) {
    if (item[PATCH] === 'merge')
      throw new PatchError('BadRequest', path, 'merging lists cannot yet be specified in the patch');
    if (item[PATCH] !== 'delete' && item[PATCH] !== 'replace')
      throw new PatchError('BadRequest', path, `unknown $patch directive ${JSON.stringify(item[PATCH])}`);
  }
  if (directives.some((item) => item[PATCH] === 'replace'))
    return cloneJson(patch.filter((item) => !(isJsonObject(item) && Object.hasOwn(item, PATCH))));
  const key = list.type === 'map' ? list.keys?.[0] : undefined;
  let out = [...original];
  const implied: unknown[] = [];
  patch.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const directive = isJsonObject(item) ? item[PATCH] : undefined;
    if (!key || !isJsonObject(item)) {
      if (directive !== undefined) throw new PatchError('BadRequest', itemPath, 'a $patch directive needs a merge key');
      if (!out.some((v) => jsonEqual(v, item))) out.push(cloneJson(item));
      implied.push(item);
      return;
    }
    if (!Object.hasOwn(item, key))
      throw new PatchError('BadRequest', itemPath, `map list item has no merge key "${key}"`);
    const matches = (v: unknown) => isJsonObject(v) && jsonEqual(v[key], item[key]);
    if (directive === 'delete') {
      out = out.filter((v) => !matches(v));
      return;
    }
    const at = out.findIndex(matches);
    const merged = mergeMap(at >= 0 ? (out[at] as JsonMap) : {}, item, list.items, itemPath);
    if (at >= 0) out[at] = merged;
    else out.push(merged);
    implied.push(item);
  });
  if (order) checkOrderMatches(implied, order, key, path);
  return orderList(out, original, order ?? implied, list);
}

/** kube-apiserver refuses a `$setElementOrder` that orders the patched items differently than the patch list. */
function checkOrderMatches(patched: unknown[], order: unknown[], key: string | undefined, path: string): void {
  const identity = (v: unknown) => (key && isJsonObject(v) ? v[key] : v);
  const ranks = patched.map((p) => order.findIndex((o) => jsonEqual(identity(o), identity(p))));
  if (ranks.some((r, i) => r < 0 || (i > 0 && r < ranks[i - 1])))
    throw new PatchError('BadRequest', path, "the order in $setElementOrder doesn't match the patch list");
}

/**
 * Orders a merged list as `$setElementOrder` says. Items named in the order
 * come in that order; items only the server had keep their relative place,
 * placed before an ordered item that came after them in the original list
 * (Kubernetes' `mergeSortedSlice`).
 */
function orderList(merged: unknown[], original: unknown[], order: unknown[], list: ListSchema | undefined): unknown[] {
  const key = list?.type === 'map' ? list.keys?.[0] : undefined;
  const identity = (v: unknown) => (key && isJsonObject(v) ? v[key] : v);
  const rank = (v: unknown) => order.findIndex((o) => jsonEqual(identity(o), identity(v)));
  const inOrder = merged.filter((v) => rank(v) >= 0).sort((a, b) => rank(a) - rank(b));
  const serverOnly = merged.filter((v) => rank(v) < 0);
  const position = (v: unknown) => original.findIndex((o) => jsonEqual(identity(o), identity(v)));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length && j < inOrder.length) {
    const right = position(inOrder[j]);
    if (right >= 0 && position(serverOnly[i]) < right) out.push(serverOnly[i++]);
    else out.push(inOrder[j++]);
  }
  return [...out, ...serverOnly.slice(i), ...inOrder.slice(j)];
}

function retainKeysOf(patch: JsonMap, schema: FieldSchema | undefined, path: string): Set<string> | undefined {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return undefined;
  const keys = arrayDirective(patch[RETAIN_KEYS], path, RETAIN_KEYS);
  if (!schema?.retainKeys)
    throw new PatchError('BadRequest', path, '$retainKeys on a field without retainKeys strategy');
  if (!keys.every((k) => typeof k === 'string'))
    throw new PatchError('BadRequest', path, '$retainKeys must list strings');
  const retained = new Set(keys as string[]);
  for (const key in patch) {
    if (!key.startsWith('$') && patch[key] !== null && !retained.has(key))
      throw new PatchError('Invalid', join(path, key), 'the patch content does not match the $retainKeys list');
  }
  return retained;
}

function arrayDirective(value: unknown, path: string, name: string): unknown[] {
  if (!Array.isArray(value)) throw new PatchError('BadRequest', path, `${name} must be a list`);
  return value;
}

function withoutKey(map: JsonMap, key: string): JsonMap {
  const { [key]: _dropped, ...rest } = map;
  return rest;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
