import { cloneJson, isJsonObject, jsonEqual, jsonSizeBound, setMember } from '@flotilla/core';
import { assertJsonDepth } from './json-depth.js';
import { PatchError } from './patch-error.js';

/** One RFC 6902 operation, as `application/json-patch+json` bodies carry them. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

type Container = Record<string, unknown> | unknown[];

/** kube-apiserver's cap on the operations of one JSON patch (`maxJSONPatchOperations`). */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/**
 * A bound on what `copy` operations may duplicate in one patch (the size of
 * a request body kube-apiserver accepts): each `copy` of the document into
 * itself doubles it, so a short patch could otherwise grow it without end.
 */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

/**
 * Applies an RFC 6902 JSON patch to a copy of `document` and returns the copy;
 * `document` is not changed. The operations apply in order and all or none:
 * the first one that fails throws a `PatchError` naming its index and path
 * (422 `Invalid` for an operation that does not apply, 400 `BadRequest` for
 * a malformed one).
 *
 * Paths walk own members only, so `__proto__`, `constructor` or `prototype`
 * segments address plain data members and can never reach (or replace) an
 * object's prototype. Patches nested deeper than `MAX_PATCH_DEPTH`, with more
 * than `MAX_JSON_PATCH_OPERATIONS` operations, or whose `copy` operations
 * would duplicate more than `MAX_JSON_PATCH_COPY_BYTES` are refused.
 */
export function applyJsonPatch<T>(document: T, patch: unknown): T {
  if (!Array.isArray(patch)) throw new PatchError('BadRequest', '', 'a JSON patch must be an array of operations');
  if (patch.length > MAX_JSON_PATCH_OPERATIONS)
    throw new PatchError(
      'RequestEntityTooLarge',
      '',
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  assertJsonDepth(patch);
  let doc: unknown = cloneJson(document);
  let copied = 0;
  patch.forEach((raw, index) => {
    const op = parseOperation(raw, index);
    if (op.op === 'copy') {
      copied += jsonSizeBound(get(doc, op.from as string, index));
      if (copied > MAX_JSON_PATCH_COPY_BYTES)
        throw new PatchError(
          'RequestEntityTooLarge',
          op.path,
          `copies add up to more than ${MAX_JSON_PATCH_COPY_BYTES} bytes`,
          index,
        );
    }
    doc = applyOperation(doc, op, index);
  });
  return doc as T;
}

function parseOperation(raw: unknown, index: number): JsonPatchOperation {
  if (!isJsonObject(raw)) throw new PatchError('BadRequest', '', 'an operation must be an object', index);
  const { op, path, from } = raw;
  if (typeof op !== 'string' || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op))
    throw new PatchError('BadRequest', '', `unknown op ${JSON.stringify(op)}`, index);
  if (typeof path !== 'string') throw new PatchError('BadRequest', '', 'missing "path"', index);
  if ((op === 'move' || op === 'copy') && typeof from !== 'string')
    throw new PatchError('BadRequest', path, `${op} needs "from"`, index);
  if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(raw, 'value'))
    throw new PatchError('BadRequest', path, `${op} needs "value"`, index);
  return raw as unknown as JsonPatchOperation;
}

function applyOperation(doc: unknown, op: JsonPatchOperation, index: number): unknown {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, cloneJson(op.value), index);
    case 'remove':
      return remove(doc, op.path, index).doc;
    case 'replace':
      return add(remove(doc, op.path, index).doc, op.path, cloneJson(op.value), index);
    case 'move': {
      const from = op.from as string;
      if (op.path !== from && op.path.startsWith(`${from}/`))
        throw new PatchError('Invalid', op.path, `cannot move ${from} into its own child`, index);
      const removed = remove(doc, from, index);
      return add(removed.doc, op.path, removed.value, index);
    }
    case 'copy':
      return add(doc, op.path, cloneJson(get(doc, op.from as string, index)), index);
    case 'test':
      if (!jsonEqual(get(doc, op.path, index), op.value))
        throw new PatchError('Invalid', op.path, 'test failed: the value differs', index);
      return doc;
  }
}

/** Splits a JSON pointer into unescaped tokens (`~1` is `/`, `~0` is `~`). */
function tokens(pointer: string, index: number): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError('BadRequest', pointer, 'a JSON pointer starts with "/"', index);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(container: unknown, token: string): { found: boolean; value?: unknown } {
  if (Array.isArray(container)) {
    const i = arrayIndex(token, container.length - 1);
    return i === undefined ? { found: false } : { found: true, value: container[i] };
  }
  if (isJsonObject(container) && Object.hasOwn(container, token)) return { found: true, value: container[token] };
  return { found: false };
}

/** The index a token names in an array whose last index is `max`, if it is one. */
function arrayIndex(token: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const i = Number(token);
  return i <= max ? i : undefined;
}

function get(doc: unknown, pointer: string, index: number): unknown {
  let current = doc;
  for (const token of tokens(pointer, index)) {
    const next = child(current, token);
    if (!next.found) throw new PatchError('Invalid', pointer, 'path does not exist', index);
    current = next.value;
  }
  return current;
}

/** The container that holds the last token of `pointer`, and that token. */
function parentOf(doc: unknown, pointer: string, index: number): { parent: Container; last: string } {
  const path = tokens(pointer, index);
  const last = path.pop() as string;
  const parent = get(doc, path.length ? `/${path.map(escapeToken).join('/')}` : '', index);
  if (!Array.isArray(parent) && !isJsonObject(parent))
    throw new PatchError('Invalid', pointer, 'the parent is not an object or an array', index);
  return { parent, last };
}

const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

function add(doc: unknown, pointer: string, value: unknown, index: number): unknown {
  if (pointer === '') return value;
  const { parent, last } = parentOf(doc, pointer, index);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : arrayIndex(last, parent.length);
    if (i === undefined) throw new PatchError('Invalid', pointer, 'array index out of range', index);
    parent.splice(i, 0, value);
  } else setMember(parent, last, value);
  return doc;
}

function remove(doc: unknown, pointer: string, index: number): { doc: unknown; value: unknown } {
  if (pointer === '') return { doc: null, value: doc };
  const { parent, last } = parentOf(doc, pointer, index);
  const found = child(parent, last);
  if (!found.found) throw new PatchError('Invalid', pointer, 'path does not exist', index);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return { doc, value: found.value };
}
