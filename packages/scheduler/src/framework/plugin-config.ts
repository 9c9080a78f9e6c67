import { type FieldError, InvalidError } from '@flotilla/core';
import type { FrameworkHandle } from './handle.js';
import type { Plugin } from './plugin.js';
import type { Profile } from './profile.js';
import type { PluginRegistry } from './registry.js';

/** kube-scheduler's bounds for a score plugin's weight. */
export const MIN_PLUGIN_WEIGHT = 1;
/** kube-scheduler's bounds for a score plugin's weight. */
export const MAX_PLUGIN_WEIGHT = 100;

/**
 * Builds the profile's `index`-th plugin. A weight outside 1..100, an
 * unknown name, or args its factory refuses (an InvalidError) refuse the
 * whole profile with an InvalidError whose field paths start at the
 * plugin's entry (`plugins[3].args.defaultConstraints[0].maxSkew`).
 */
export function buildPlugin(
  profile: Profile,
  index: number,
  registry: PluginRegistry,
  handle: FrameworkHandle,
): Plugin {
  const cfg = profile.plugins[index];
  const at = `plugins[${index}]`;
  const refuse = (fields: FieldError[]) => new InvalidError('Profile', profile.schedulerName, fields);
  const w = cfg.weight;
  if (w !== undefined && (!Number.isInteger(w) || w < MIN_PLUGIN_WEIGHT || w > MAX_PLUGIN_WEIGHT)) {
    throw refuse([
      {
        field: `${at}.weight`,
        message: `Invalid value: ${w}: must be an integer in the range ${MIN_PLUGIN_WEIGHT}-${MAX_PLUGIN_WEIGHT}`,
      },
    ]);
  }
  const factory = rethrowUnder(`${at}.`, refuse, () => registry.get(cfg.name));
  return rethrowUnder(`${at}.args.`, refuse, () => factory(cfg.args, handle));
}

/** Runs `f`; an InvalidError it throws is thrown again by `refuse` with its field paths under `prefix`. */
function rethrowUnder<T>(prefix: string, refuse: (fields: FieldError[]) => InvalidError, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof InvalidError)) throw err;
    throw refuse(err.fields.map((e) => ({ ...e, field: `${prefix}${e.field}` })));
  }
}
