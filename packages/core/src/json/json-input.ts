import {
  BIG_OBJECT_MEMBER_WEIGHT,
  BIG_OBJECT_MEMBERS,
  MANAGED_FIELDS_ENTRY_FACTOR,
  MAX_JSON_DEPTH,
} from './json-limits.js';
import { setMember } from './json-object.js';
import { renderPath, shownPath } from './json-path.js';
import { sharedJsonHeight } from './shared-json.js';

/**
 * Why a value handed to the Api is not a JSON document: `invalid` names the
 * first offending member (`path`, e.g. `spec.containers[0].x`) with a short
 * rendering of what it holds (`bigint`, `NaN`, `Date`, ...); `tooLarge`
 * means its serialized form would exceed the byte budget; `tooManyEntries`
 * names the object or list (`path`) whose entries passed the entry budget
 * (`max`, the budget that applied there).
 */
export type JsonInputProblem =
  | { reason: 'invalid'; path: string; shown: string; detail: string }
  | { reason: 'tooLarge'; bytes: number }
  | { reason: 'tooManyEntries'; path: string; max: number };

/** The outcome of `copyJsonInput`: a private copy, or the first problem found. */
export type JsonInputResult = { ok: true; value: unknown } | { ok: false; problem: JsonInputProblem };

/** Marks a failed branch while the copy unwinds; never escapes this module. */
const FAILED: unique symbol = Symbol('failed');

/**
 * What a shared tree (`shareJson`) costs the copy: its bytes as counted
 * here, and its entries with big objects' members weighted and unweighted
 * (as in managedFields).
 */
interface SharedCost {
  bytes: number;
  entries: number;
  unweightedEntries: number;
}
const sharedCosts = new WeakMap<object, SharedCost>();

/**
 * The cost of a shared tree, counted once, in one walk that builds nothing,
 * as the copy would count it if it walked it: a tree the apiserver has just
 * built for one big object (thousands of managedFields entries) is met once,
 * and two copying walks of it cost more than the rest of its create.
 */
function sharedCostOf(tree: object): SharedCost {
  let cost = sharedCosts.get(tree);
  if (cost === undefined) {
    cost = { bytes: 0, entries: 0, unweightedEntries: 0 };
    addCost(tree, cost);
    sharedCosts.set(tree, cost);
  }
  return cost;
}

/**
 * Adds what `JsonInputCopier.member` counts for `value`, a shared tree or a
 * member of one: a shared tree holds only JSON (see `shareJson`), so nothing
 * in it fails.
 */
function addCost(value: unknown, cost: SharedCost): void {
  if (typeof value === 'string') cost.bytes += value.length + 3;
  else if (typeof value === 'number') cost.bytes += 2;
  else if (typeof value === 'boolean' || value === null) cost.bytes += 5;
  else if (Array.isArray(value)) {
    cost.bytes += 2;
    cost.entries += value.length;
    cost.unweightedEntries += value.length;
    for (let i = 0; i < value.length; i++) addCost(value[i], cost);
  } else {
    cost.bytes += 2;
    const record = value as Record<string, unknown>;
    let members = 0;
    for (const key in record) {
      cost.entries += ++members > BIG_OBJECT_MEMBERS ? BIG_OBJECT_MEMBER_WEIGHT : 1;
      cost.unweightedEntries++;
      cost.bytes += key.length + 3;
      addCost(record[key], cost);
    }
  }
}

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
 * Entries (object members and list items, at any depth) are counted against
 * `maxEntries` (see `DEFAULT_MAX_INPUT_ENTRIES`), each member of an object
 * past its `BIG_OBJECT_MEMBERS`th as `BIG_OBJECT_MEMBER_WEIGHT`, except those under
 * `metadata.managedFields`, which count against a budget of their own,
 * `MANAGED_FIELDS_ENTRY_FACTOR` times larger, big objects' members
 * unweighted (the HTTP server writes them, about one entry per field of the
 * object, and turns every keyed list into an object). The copy stops at the first
 * entry over budget and reports the object or list holding it.
 *
 * Guarantees: returns in time linear in the input's size up to the byte and
 * entry budgets, whatever the input (shared subtrees count each time they
 * are reached, so a small graph that would serialize to gigabytes is cut off
 * at the budget); recursion never goes deeper than `MAX_JSON_DEPTH`. One
 * exception to "up to the budget": V8 lists every key of an object before a
 * `for...in` over it yields the first, so an object the caller built with
 * far more members than the budget costs that one enumeration.
 */
export function copyJsonInput(
  value: unknown,
  maxBytes: number,
  maxEntries: number = Number.POSITIVE_INFINITY,
): JsonInputResult {
  const copier = new JsonInputCopier(maxBytes, maxEntries);
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

/** The state of one `copyJsonInput` call: the byte and entry counts so far and, after a failure, the way back to it. */
class JsonInputCopier {
  private bytes = 0;
  /** The entry budget that applies where the copy is: the object's, or managedFields' own. */
  private budget: number;
  /** Entries left in `budget`. */
  private entriesLeft: number;
  /** What a member of a big object counts for where the copy is: 1 in managedFields. */
  private bigMemberWeight = BIG_OBJECT_MEMBER_WEIGHT;
  private failure: { shown: string; detail: string } | { max: number } | undefined;
  /** Filled while a failure unwinds, deepest first: the key taken in each container and the container. */
  private readonly trail: { key: string | number; from: object }[] = [];

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries: number,
  ) {
    this.budget = maxEntries;
    this.entriesLeft = maxEntries;
  }

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

  /**
   * A shared tree (`shareJson`) at `depth` below the root (the root is
   * always the caller's private copy), kept rather than copied and
   * counted from its cost, when it fits what is left of both budgets and the
   * depth limit; undefined otherwise (it is then walked, which reports where
   * it does not fit).
   */
  private shared(value: object, depth: number): object | undefined {
    const height = sharedJsonHeight(value);
    if (height === undefined || depth < 2 || depth + height - 1 > MAX_JSON_DEPTH) return undefined;
    const cost = sharedCostOf(value);
    const entries = this.bigMemberWeight === 1 ? cost.unweightedEntries : cost.entries;
    if (entries > this.entriesLeft || this.bytes + cost.bytes > this.maxBytes) return undefined;
    this.entriesLeft -= entries;
    this.bytes += cost.bytes;
    return value;
  }

  private composite(value: object, depth: number): unknown {
    const shared = this.shared(value, depth);
    if (shared !== undefined) return shared;
    if (depth > MAX_JSON_DEPTH) return this.fail('object', `must not nest deeper than ${MAX_JSON_DEPTH} levels`);
    this.bytes += 2;
    if (this.bytes > this.maxBytes) return FAILED;
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      if (proto !== Array.prototype) return this.fail(className(value), 'must be a plain JSON array');
      // Items are counted as they are met, as a scan of the body's text counts them (see bodyShapeProblem).
      const out = new Array(Math.min(value.length, Math.max(this.entriesLeft, 0)));
      for (let i = 0; i < value.length; i++) {
        if (--this.entriesLeft < 0) return this.tooManyEntries();
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
    let members = 0;
    for (const key in record) {
      const member = record[key];
      if (member === undefined) continue;
      this.entriesLeft -= ++members > BIG_OBJECT_MEMBERS ? this.bigMemberWeight : 1;
      if (this.entriesLeft < 0) return this.tooManyEntries();
      this.bytes += key.length + 3;
      if (depth === 1 && key === 'metadata') this.metadata = member;
      const copy =
        depth === 2 && key === 'managedFields' && this.inMetadata(value)
          ? this.managedFields(member, depth)
          : this.member(member, depth);
      if (copy === FAILED) return this.unwind(key, value);
      // A map of a few hundred thousand small entries is cut off here, not after all of them.
      if (this.bytes > this.maxBytes) return FAILED;
      if (key === '__proto__') setMember(out, key, copy);
      else out[key] = copy;
    }
    return out;
  }

  /** The root's `metadata`, whose `managedFields` have a budget of their own. */
  private metadata: unknown;

  /** Whether `value` is the root's `metadata`. */
  private inMetadata(value: object): boolean {
    return value === this.metadata;
  }

  /** The copy of `metadata.managedFields`, counted against their own budget; the object's is left as it was. */
  private managedFields(member: unknown, depth: number): unknown {
    const [left, budget] = [this.entriesLeft, this.budget];
    this.budget = this.maxEntries * MANAGED_FIELDS_ENTRY_FACTOR;
    this.entriesLeft = this.budget;
    this.bigMemberWeight = 1;
    const copy = this.member(member, depth);
    [this.entriesLeft, this.budget, this.bigMemberWeight] = [left, budget, BIG_OBJECT_MEMBER_WEIGHT];
    return copy;
  }

  private tooManyEntries(): typeof FAILED {
    this.failure = { max: this.budget };
    return FAILED;
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
    if ('max' in this.failure) {
      return { reason: 'tooManyEntries', path: shownPath(steps.map((s) => s.key)), max: this.failure.max };
    }
    const cycle = cycleIn(steps);
    if (cycle) {
      return {
        reason: 'invalid',
        path: renderPath(steps.slice(0, cycle.repeat).map((s) => s.key)),
        shown: 'object',
        detail: `must not refer back to ${cycle.target === 0 ? 'the object itself' : renderPath(steps.slice(0, cycle.target).map((s) => s.key))} (a cyclic reference)`,
      };
    }
    return { reason: 'invalid', path: shownPath(steps.map((s) => s.key)), ...this.failure };
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

/** `Date`, `Map`, `Object`: what to call a non-plain object in a message. */
function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}
