import { PatchError } from './patch-error.js';

/**
 * How deeply nested a patch may be. Kubernetes objects are a few dozen levels
 * deep at most; the patch functions recurse over the patch, so this bound
 * keeps hostile input (thousands of nested arrays) to a typed error instead
 * of a stack overflow.
 */
export const MAX_PATCH_DEPTH = 1000;

/**
 * Throws a `PatchError` naming the path of the first value nested deeper
 * than `maxDepth`. Walks with an explicit stack, so it is safe on any input.
 */
export function assertJsonDepth(value: unknown, maxDepth = MAX_PATCH_DEPTH, what = 'patch'): void {
  interface Frame {
    value: unknown;
    depth: number;
    parent?: Frame;
    key: string;
  }
  const stack: Frame[] = [{ value, depth: 0, key: '' }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const current = frame;
    if (current.value === null || typeof current.value !== 'object') continue;
    if (current.depth >= maxDepth) {
      throw new PatchError('BadRequest', pointerOf(current), `${what} is nested deeper than ${maxDepth} levels`);
    }
    const members: [string, unknown][] = Array.isArray(current.value)
      ? current.value.map((member, i) => [String(i), member])
      : Object.entries(current.value);
    for (const [key, member] of members) {
      if (member !== null && typeof member === 'object')
        stack.push({ value: member, depth: current.depth + 1, parent: current, key });
    }
  }

  // Built only on error: building it per level would cost time quadratic in the depth.
  function pointerOf(frame: Frame): string {
    const keys: string[] = [];
    for (let f: Frame | undefined = frame; f?.parent; f = f.parent) keys.push(f.key);
    return `/${keys.reverse().slice(0, 8).join('/')}${keys.length > 8 ? '/...' : ''}`;
  }
}
