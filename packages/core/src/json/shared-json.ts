import { MAX_JSON_DEPTH } from './json-limits.js';

/** Every shared tree, with its height: the containers on its longest path (1 for `{}`). */
const heights = new WeakMap<object, number>();

/**
 * Shares a JSON tree among every object that holds it: the tree is deeply
 * frozen, and from then on copies of those objects (`cloneJson`, the Api's
 * input copy) keep the tree itself instead of copying it, and size walks
 * measure it once and remember. For trees that many objects hold unchanged,
 * like the `managedFields` field sets of objects one client writes from one
 * template (Kubernetes keeps those as raw bytes for the same reason). The
 * tree must be plain JSON (objects and arrays of strings, finite numbers,
 * booleans and null, nested at most `MAX_JSON_DEPTH` levels); anything else
 * is a `TypeError`. Returns the tree.
 */
export function shareJson<T extends object>(tree: T): Readonly<T> {
  if (!heights.has(tree)) heights.set(tree, freezeJson(tree, 1));
  return tree;
}

/**
 * The height of `value` (containers on its longest path, 1 for `{}`) when it
 * is a shared tree (`shareJson`), else undefined: cheap for anything
 * unshared, which is never frozen by `shareJson`.
 */
export function sharedJsonHeight(value: object): number | undefined {
  return Object.isFrozen(value) ? heights.get(value) : undefined;
}

/** Freezes a plain JSON tree in place and returns its height; throws on anything that is not JSON. */
function freezeJson(value: object, depth: number): number {
  if (depth > MAX_JSON_DEPTH) throw new TypeError(`a shared JSON tree must not nest deeper than ${MAX_JSON_DEPTH}`);
  const proto = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (isArray ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) {
    throw new TypeError('a shared JSON tree holds plain objects and arrays only');
  }
  let height = 1;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const member = record[key];
    if (typeof member === 'object' && member !== null) height = Math.max(height, 1 + freezeJson(member, depth + 1));
    else if (!isJsonScalar(member))
      throw new TypeError(`a shared JSON tree holds JSON values only, not ${typeof member}`);
  }
  if (isArray && Object.keys(record).length !== (value as unknown[]).length) {
    throw new TypeError('a shared JSON tree holds no sparse arrays');
  }
  Object.freeze(value);
  return height;
}

function isJsonScalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value as number);
}
