import {
  BIG_OBJECT_MEMBER_WEIGHT,
  BIG_OBJECT_MEMBERS,
  InvalidError,
  invalid,
  MANAGED_FIELDS_ENTRY_FACTOR,
  MAX_JSON_DEPTH,
  shownPath,
  tooManyEntries,
} from '@flotilla/core';

/** Why a JSON body is over its shape budget, with the path of the object or list where it passed it. */
export type BodyShapeProblem =
  | { reason: 'tooManyEntries'; path: string; max: number }
  | { reason: 'tooDeep'; path: string };

/** What one scan of a JSON text found: its object members (at any depth), and where it passed its shape budget. */
export interface BodyShape {
  /** Members of objects in the text, at any depth, counted up to the problem if there is one. */
  members: number;
  problem?: BodyShapeProblem;
}

/** One open object or list, and the key or index last taken in it (for the path of a refusal). */
interface Level {
  list: boolean;
  /** An object waits for a key, a list for an item: after its opening bracket and after each comma. */
  expecting: boolean;
  /** Where the last key read in this object starts and ends in the text, quotes included. */
  keyStart: number;
  keyEnd: number;
  /** Items begun so far in this list, or members in this object. */
  items: number;
}

/**
 * Counts the entries (object members and list items, at any depth, members
 * of big objects weighted: see `BIG_OBJECT_MEMBERS`) and the
 * nesting of a JSON text in one pass over its characters, building nothing,
 * and reports the first point where they pass `maxEntries` or
 * `MAX_JSON_DEPTH`; undefined when the text is within both. It counts as the
 * Api's input copy does (`maxInputEntries`), `metadata.managedFields`
 * against a budget of their own, so a body within this budget is not
 * refused by the Api for its shape. A server runs it before `JSON.parse`:
 * V8 needs 150 ms of CPU to parse a 3 MiB body of 300,000 tiny map entries,
 * this scan a fraction of that. The text may be malformed: it is counted as
 * far as it goes, and `JSON.parse` refuses it afterwards.
 */
export function bodyShapeProblem(text: string, maxEntries: number): BodyShapeProblem | undefined {
  return bodyShapeOf(text, maxEntries).problem;
}

/**
 * `bodyShapeProblem`, and the number of object members the text holds: a
 * text that parses into fewer names a field twice (see `duplicateFieldsOf`).
 */
export function bodyShapeOf(text: string, maxEntries: number): BodyShape {
  let members = 0;
  const levels: Level[] = [];
  let top: Level | undefined;
  let budget = maxEntries;
  let left = maxEntries;
  /** Inside the value of `metadata.managedFields`, counted against their own budget; the object's entries left. */
  let managed = false;
  let objectLeft = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 58 /* : */) continue;
    if (top?.expecting && c !== 125 /* } */ && c !== 93 /* ] */) {
      top.expecting = false;
      if (!top.list) members++;
      left -= ++top.items > BIG_OBJECT_MEMBERS && !top.list && !managed ? BIG_OBJECT_MEMBER_WEIGHT : 1;
      if (left < 0) {
        const path = pathOf(text, levels, levels.length - 1);
        return { members, problem: { reason: 'tooManyEntries', path, max: budget } };
      }
    }
    if (c === 34 /* " */) {
      const start = i;
      i = closingQuote(text, i);
      if (top !== undefined && !top.list && top.keyStart === -2) {
        // The string just counted opens a member: it is the key.
        top.keyStart = start;
        top.keyEnd = i + 1;
        if (levels.length === 2 && keyIs(text, top, 'managedFields') && keyIs(text, levels[0]!, 'metadata')) {
          managed = true;
          objectLeft = left;
          budget = maxEntries * MANAGED_FIELDS_ENTRY_FACTOR;
          left = budget;
        }
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (levels.length === MAX_JSON_DEPTH) {
        return { members, problem: { reason: 'tooDeep', path: pathOf(text, levels, levels.length) } };
      }
      top = { list: c === 91, expecting: true, keyStart: -2, keyEnd: 0, items: 0 };
      levels.push(top);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (managed && levels.length === 2) [managed, budget, left] = [false, maxEntries, objectLeft];
      levels.pop();
      top = levels[levels.length - 1];
    } else if (c === 44 /* , */ && top !== undefined) {
      if (managed && levels.length === 2) [managed, budget, left] = [false, maxEntries, objectLeft];
      top.expecting = true;
      if (!top.list) top.keyStart = -2;
    }
  }
  return { members };
}

/**
 * Refuses a JSON body of a `kind` write (its object `name`, when the URL
 * names it) over its shape budget, before anything parses it, with the
 * `InvalidError` the Api would give (a 422 Status naming the path): too many
 * entries (`maxEntries`, see `bodyShapeProblem`) or nested too deeply.
 * Returns the number of object members in the text (see `bodyShapeOf`).
 */
export function assertBodyShape(text: string, maxEntries: number, kind: string, name: string): number {
  const { members, problem } = bodyShapeOf(text, maxEntries);
  if (problem === undefined) return members;
  const field = problem.path || '<body>';
  throw new InvalidError(kind, name, [
    problem.reason === 'tooManyEntries'
      ? tooManyEntries(field, problem.max)
      : invalid(field, 'object', `must not nest deeper than ${MAX_JSON_DEPTH} levels`),
  ]);
}

/**
 * The index of the quote closing the string that opens at `open` (or the
 * text's length): `indexOf` to each quote, which is escaped when an odd
 * number of backslashes precede it. Linear: each backslash run is read once.
 */
function closingQuote(text: string, open: number): number {
  for (let j = open + 1; ; j++) {
    j = text.indexOf('"', j);
    if (j === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
}

/** Whether the last key read in `level` is `key` (spelled without escapes). */
function keyIs(text: string, level: Level, key: string): boolean {
  return level.keyEnd - level.keyStart === key.length + 2 && text.startsWith(key, level.keyStart + 1);
}

/** `spec.containers[3].env`: the key or index taken in each of the first `count` levels. */
function pathOf(text: string, levels: readonly Level[], count: number): string {
  const keys: (string | number)[] = [];
  for (let k = 0; k < count; k++) {
    const level = levels[k]!;
    keys.push(level.list ? level.items - 1 : keyText(text, level));
  }
  return shownPath(keys);
}

/** The last key read in `level`, unescaped. */
function keyText(text: string, level: Level): string {
  const raw = text.slice(level.keyStart, level.keyEnd);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw;
  }
}
