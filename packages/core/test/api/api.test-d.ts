import { describe, expectTypeOf, it } from 'vitest';
import { Api, type ResourceClient } from '../../src/api/index.js';
import type { Deployment, KubeObject, Namespace, Node, Pod } from '../../src/model/index.js';
import { MemoryStore } from '../../src/store/index.js';

interface Website extends KubeObject {
  spec: { domain: string };
}

describe('Api.resource types', () => {
  const api = new Api({ store: new MemoryStore() });

  it('returns a typed client for built-in kinds', () => {
    expectTypeOf(api.resource('Pod')).toEqualTypeOf<ResourceClient<Pod>>();
    expectTypeOf(api.resource('Deployment')).toEqualTypeOf<ResourceClient<Deployment>>();
    expectTypeOf(api.resource('Node')).toEqualTypeOf<ResourceClient<Node>>();
    expectTypeOf(api.resource('Namespace')).toEqualTypeOf<ResourceClient<Namespace>>();
  });

  it('returns the given type for custom kinds, KubeObject by default', () => {
    expectTypeOf(api.resource<Website>('Website')).toEqualTypeOf<ResourceClient<Website>>();
    expectTypeOf(api.resource('Website')).toEqualTypeOf<ResourceClient<KubeObject>>();
  });

  it('types what the client returns', () => {
    expectTypeOf(api.resource('Pod').get('default', 'p')).resolves.toEqualTypeOf<Pod>();
    expectTypeOf(api.bindPod({ namespace: 'default', name: 'p' }, 'n')).resolves.toEqualTypeOf<Pod>();
    expectTypeOf(api.apply<Deployment>).returns.resolves.toEqualTypeOf<Deployment>();
  });

  it('refuses an object of the wrong kind at compile time', () => {
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } };
    // @ts-expect-error a Node is not a Pod
    void api.resource('Pod').create(node);
  });
});
