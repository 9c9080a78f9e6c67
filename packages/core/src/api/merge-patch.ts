import { cloneJson } from '../json/clone-json.js';
import { assertJsonDepth } from '../json/depth-guard.js';
import { isJsonObject, setMember } from '../json/json-object.js';

/**
 * Applies a JSON merge patch (RFC 7386) to `target` and returns the result;
 * neither argument is changed.
 *
 * The RFC's rules: a patch that is not an object replaces the target; in an
 * object patch, `null` removes a member and any other value is merged
 * recursively into the member of the same name. Arrays are replaced whole,
 * never merged element by element (that is what strategic merge patch adds in
 * Kubernetes, and Flotilla does not implement it).
 *
 * The result may share members the patch leaves alone with `target`. A patch
 * nested deeper than `MAX_JSON_DEPTH` gets a `BadRequestError` (the Api
 * refuses such a patch before it gets here).
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergeAt(target, patch, 1);
}

function mergeAt(target: unknown, patch: unknown, depth: number): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  assertJsonDepth(depth);
  const out: Record<string, unknown> = isJsonObject(target) ? { ...target } : {};
  for (const key in patch) {
    const value = patch[key];
    if (value === null) delete out[key];
    else setMember(out, key, mergeAt(Object.hasOwn(out, key) ? out[key] : undefined, value, depth + 1));
  }
  return out;
}
