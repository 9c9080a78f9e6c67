import { describe, expect, it } from 'vitest';
import { ResourceRegistry } from '../../src/registry/resource-registry.js';
import type { ResourceType } from '../../src/registry/resource-type.js';

const kind = (name: string): ResourceType => ({
  group: 'example.com',
  version: 'v1',
  kind: name,
  plural: `${name.toLowerCase()}s`,
  namespaced: true,
});

describe('ResourceRegistry', () => {
  it('tells onRegister listeners of each kind registered after they subscribed, until they unsubscribe', () => {
    const registry = new ResourceRegistry([kind('Before')]);
    const seen: string[] = [];
    const stop = registry.onRegister((type) => seen.push(type.kind));
    registry.register(kind('First'));
    registry.register(kind('Second'));
    stop();
    registry.register(kind('Third'));
    expect(seen).toEqual(['First', 'Second']);
  });

  it('does not tell listeners of a registration it refuses', () => {
    const registry = new ResourceRegistry([kind('Widget')]);
    const seen: string[] = [];
    registry.onRegister((type) => seen.push(type.kind));
    expect(() => registry.register(kind('Widget'))).toThrow(/already registered/);
    expect(() => registry.register(kind('lowercase'))).toThrow(/UpperCamelCase/);
    expect(seen).toEqual([]);
  });
});
