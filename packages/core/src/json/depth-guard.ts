import { BadRequestError } from '../errors/api-errors.js';
import { MAX_JSON_DEPTH } from './json-limits.js';

/**
 * Throws a typed error when a recursive walk over JSON reaches `depth`
 * beyond `MAX_JSON_DEPTH`: the Api refuses such input at its door, so only a
 * direct caller (a store used without the Api) can get here, and it gets a
 * `BadRequestError` rather than the engine's stack overflow.
 */
export function assertJsonDepth(depth: number): void {
  if (depth > MAX_JSON_DEPTH) throw new BadRequestError(`JSON value nested deeper than ${MAX_JSON_DEPTH} levels`);
}
