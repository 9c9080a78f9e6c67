import { InvalidError } from '@flotilla/core';
import type { FrameworkHandle } from './handle.js';
import type { Plugin } from './plugin.js';

/** Builds a plugin from its args (from the profile) and the framework handle. */
export type PluginFactory = (args: unknown, handle: FrameworkHandle) => Plugin;

/**
 * Plugin factories by name. The default registry holds the in-tree plugins;
 * add your own with `register` and enable them in a profile.
 */
export class PluginRegistry {
  private readonly factories = new Map<string, PluginFactory>();

  /** Adds a factory. Names are unique: registering a name twice is an error. */
  register(name: string, factory: PluginFactory): this {
    if (this.factories.has(name)) {
      throw new InvalidError('Plugin', name, [
        { field: 'name', message: `Duplicate value: "${name}": a plugin with this name is already registered` },
      ]);
    }
    this.factories.set(name, factory);
    return this;
  }

  /** True when a factory is registered under `name`. */
  has(name: string): boolean {
    return this.factories.has(name);
  }

  /** The factory for `name`, or an InvalidError naming the registered plugins. */
  get(name: string): PluginFactory {
    const f = this.factories.get(name);
    if (!f) {
      throw new InvalidError('Plugin', name, [
        {
          field: 'name',
          message: `Not found: "${name}": register it first (registered: ${[...this.factories.keys()].join(', ')})`,
        },
      ]);
    }
    return f;
  }

  /** A copy, so callers can add plugins without changing a shared registry. */
  clone(): PluginRegistry {
    const c = new PluginRegistry();
    for (const [n, f] of this.factories) c.factories.set(n, f);
    return c;
  }
}
