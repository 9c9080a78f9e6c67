import { jsonSizeBound } from './json-size-bound.js';

/** Largest number of UTF-8 bytes a number prints in (`-1.7976931348623157e+308` is 24). */
const MAX_NUMBER_BYTES = 32;

/**
 * Whether the UTF-8 size of `JSON.stringify(value)` is certainly at most
 * `limit` bytes, known without serializing: first the loose bound
 * (`jsonSizeBound`, six bytes per character), then, only when that passes
 * the limit, a bound that reads every character of every string (one to six
 * bytes each, as JSON.stringify escapes or encodes it). False means the
 * caller must serialize to know: the object may still fit.
 *
 * A Pod of a few thousand resource entries passes the loose bound of a
 * 1.5 MiB limit with a third of that in text; serializing it to be sure cost
 * more than validating it (issue 18, `npm run bench -- input`).
 */
export function jsonSizeWithin(value: unknown, limit: number): boolean {
  return jsonSizeBound(value) <= limit || tightBound(value) <= limit;
}

/** An upper bound on the UTF-8 size of `JSON.stringify(value)`, from every character of its strings. */
function tightBound(value: unknown): number {
  if (typeof value === 'string') return stringBound(value);
  if (value === null || typeof value !== 'object') return MAX_NUMBER_BYTES;
  let size = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) size += tightBound(value[i]) + 1;
    return size;
  }
  for (const key in value) {
    // Key, colon, comma.
    size += stringBound(key) + 2 + tightBound((value as Record<string, unknown>)[key]);
  }
  return size;
}

/**
 * The bytes `JSON.stringify` writes for a string, or more: quotes, then per
 * character 1 (plain ASCII), 2 (`"`, `\` escaped; two-byte UTF-8), 3 (the
 * rest of the BMP) or 6 (control characters and surrogates, which may be
 * written as `\u` escapes).
 */
function stringBound(text: string): number {
  let size = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) size += 6;
    else if (c < 0x80) size += c === 34 || c === 92 ? 2 : 1;
    else if (c < 0x800) size += 2;
    else if (c >= 0xd800 && c <= 0xdfff) size += 6;
    else size += 3;
  }
  return size;
}
