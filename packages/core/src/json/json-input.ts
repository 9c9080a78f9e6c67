import { MAX_JSON_DEPTH } from './json-limits.js';
import { setMember } from './json-object.js';

/**
 * Why a value handed to the Api is not a JSON document: `invalid` names the
 * first offending member (`path`, e.g. `spec.containers[0].x`) with a short
 * rendering of what it holds (`bigint`, `NaN`, `Date`, ...); `tooLarge`
 * means its serialized form would exceed the byte budget.
 */
export type JsonInputProblem =
  | { reason: 'invalid'; path: string; shown: string; detail: string }
  | { reason: 'tooLarge'; bytes: number };

/** The outcome of `copyJsonInput`: a private copy, or the first problem found. */
export type JsonInputResult = { ok: true; value: unknown } | { ok: false; problem: JsonInputProblem };

/** Marks a failed branch while the copy unwinds; never escapes this module. */
const FAILED: unique symbol = Symbol('failed');

/** How many path segments a depth error shows before eliding the rest. */
const SHOWN_DEEP_SEGMENTS = 12;

/**
 * A deep copy of `value` that is a JSON document and nothing else: plain
 * objects (prototype `Object.prototype` or null), arrays, strings, finite
 * numbers, booleans and null, nested at most `MAX_JSON_DEPTH` levels, whose
 * serialization is at most `maxBytes` long. `undefined` object members are
 * dropped (as `JSON.stringify` drops them); a `__proto__` key stays a data
 * member. Everything else (BigInt, NaN, Infinity, functions, symbols,
 * `undefined` in an array, class instances such as Date or Map, a cycle) is
 * reported with the path of the first offending member, never thrown.
 *
 * Guarantees: returns in time linear in the input's size up to the byte
 * budget, whatever the input (shared subtrees count each time they are
 * reached, so a small graph that would serialize to gigabytes is cut off at
 * the budget); recursion never goes deeper than `MAX_JSON_DEPTH`.
 */
export function copyJsonInput(value: unknown, maxBytes: number): JsonInputResult {
  const copier = new JsonInputCopier(maxBytes);
  let copy: unknown;
  try {
    copy = copier.member(value, 0);
  } catch (err) {
    // Only a hostile Proxy or getter can throw while reading plain data.
    const detail = `could not be read: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, problem: { reason: 'invalid', path: '', shown: 'object', detail } };
  }
  if (copy === FAILED || !copier.withinBudget()) return { ok: false, problem: copier.problem() };
  return { ok: true, value: copy };
}

/** The state of one `copyJsonInput` call: the byte count so far and, after a failure, the way back to it. */
class JsonInputCopier {
  private bytes = 0;
  private failure: { shown: string; detail: string } | undefined;
  /** Filled while a failure unwinds, deepest first: the key taken in each container and the container. */
  private readonly trail: { key: string | number; from: object }[] = [];

  constructor(private readonly maxBytes: number) {}

  /** The copy of one value at nesting `depth` (the number of containers around it), or FAILED. */
  member(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        this.bytes += value.length + 3;
        return value;
      case 'number':
        if (!Number.isFinite(value))
          return this.fail(String(value), 'must be a finite number (JSON has no NaN or Infinity)');
        this.bytes += 2;
        return value;
      case 'boolean':
        this.bytes += 5;
        return value;
      case 'object':
        if (value === null) {
          this.bytes += 5;
          return null;
        }
        return this.composite(value, depth + 1);
      case 'bigint':
        return this.fail('bigint', 'must be a JSON number, not a BigInt');
      case 'undefined':
        return this.fail('undefined', 'must be a JSON value (undefined is not one)');
      default:
        return this.fail(typeof value, `must be a JSON value, not a ${typeof value}`);
    }
  }

  private composite(value: object, depth: number): unknown {
    if (depth > MAX_JSON_DEPTH) return this.fail('object', `must not nest deeper than ${MAX_JSON_DEPTH} levels`);
    this.bytes += 2;
    if (this.bytes > this.maxBytes) return FAILED;
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      if (proto !== Array.prototype) return this.fail(className(value), 'must be a plain JSON array');
      const out = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const copy = this.member(value[i], depth);
        if (copy === FAILED) return this.unwind(i, value);
        if (this.bytes > this.maxBytes) return FAILED;
        out[i] = copy;
      }
      return out;
    }
    if (proto !== Object.prototype && proto !== null) {
      return this.fail(className(value), 'must be a plain JSON object, not a class instance');
    }
    const out: Record<string, unknown> = {};
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const member = record[key];
      if (member === undefined) continue;
      this.bytes += key.length + 3;
      const copy = this.member(member, depth);
      if (copy === FAILED) return this.unwind(key, value);
      // A map of a few hundred thousand small entries is cut off here, not after all of them.
      if (this.bytes > this.maxBytes) return FAILED;
      if (key === '__proto__') setMember(out, key, copy);
      else out[key] = copy;
    }
    return out;
  }

  /** False once the serialized size is known to exceed the budget. */
  withinBudget(): boolean {
    return this.bytes <= this.maxBytes;
  }

  private fail(shown: string, detail: string): typeof FAILED {
    this.failure = { shown, detail };
    return FAILED;
  }

  private unwind(key: string | number, from: object): typeof FAILED {
    this.trail.push({ key, from });
    return FAILED;
  }

  problem(): JsonInputProblem {
    if (this.failure === undefined) return { reason: 'tooLarge', bytes: this.bytes };
    const steps = this.trail.reverse();
    const cycle = cycleIn(steps);
    if (cycle) {
      return {
        reason: 'invalid',
        path: renderPath(steps.slice(0, cycle.repeat).map((s) => s.key)),
        shown: 'object',
        detail: `must not refer back to ${cycle.target === 0 ? 'the object itself' : renderPath(steps.slice(0, cycle.target).map((s) => s.key))} (a cyclic reference)`,
      };
    }
    const keys = steps.map((s) => s.key);
    const path =
      keys.length > SHOWN_DEEP_SEGMENTS
        ? `${renderPath(keys.slice(0, SHOWN_DEEP_SEGMENTS))}...(${keys.length - SHOWN_DEEP_SEGMENTS} more levels)`
        : renderPath(keys);
    return { reason: 'invalid', path, ...this.failure };
  }
}

/**
 * The first container met twice on the way down, as the index of its first
 * visit (`target`) and of its second (`repeat`); undefined when none repeats.
 */
function cycleIn(steps: readonly { from: object }[]): { target: number; repeat: number } | undefined {
  const firstSeen = new Map<object, number>();
  for (let i = 0; i < steps.length; i++) {
    const seen = firstSeen.get(steps[i]!.from);
    if (seen !== undefined) return { target: seen, repeat: i };
    firstSeen.set(steps[i]!.from, i);
  }
  return undefined;
}

/** `spec.containers[0].name`: keys joined with dots, indexes in brackets. */
export function renderPath(keys: readonly (string | number)[]): string {
  let path = '';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? key : `.${key}`;
  }
  return path;
}

/** `Date`, `Map`, `Object`: what to call a non-plain object in a message. */
function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}
