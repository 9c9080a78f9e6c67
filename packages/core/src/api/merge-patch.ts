import { cloneJson } from '../json/clone-json.js';
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
 * The result may share members the patch leaves alone with `target`.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const out: Record<string, unknown> = isJsonObject(target) ? { ...target } : {};
  for (const key in patch) {
    const value = patch[key];
    if (value === null) delete out[key];
    else setMember(out, key, applyMergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}
