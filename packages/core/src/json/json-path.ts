/** How many path segments `shownPath` shows before eliding the rest. */
const SHOWN_DEEP_SEGMENTS = 12;

/** `spec.containers[0].name`: keys joined with dots, indexes in brackets. */
export function renderPath(keys: readonly (string | number)[]): string {
  let path = '';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? key : `.${key}`;
  }
  return path;
}

/**
 * `renderPath` of `keys` for a message: past `SHOWN_DEEP_SEGMENTS` levels
 * the rest is elided (`a.a.a...(988 more levels)`), so a refusal of input
 * nested a thousand levels deep stays short.
 */
export function shownPath(keys: readonly (string | number)[]): string {
  return keys.length > SHOWN_DEEP_SEGMENTS
    ? `${renderPath(keys.slice(0, SHOWN_DEEP_SEGMENTS))}...(${keys.length - SHOWN_DEEP_SEGMENTS} more levels)`
    : renderPath(keys);
}
