import { BadRequestError } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import { apiVersionOf, type ResourceType, servesApiVersion } from './resource-type.js';

/**
 * The kinds an Api serves. Starts with whatever it is given (the Api passes
 * the built-ins); `register` adds custom resources, which then get the same
 * clients, informers and controllers as built-in kinds.
 */
export class ResourceRegistry {
  private readonly byKind = new Map<string, ResourceType>();
  private readonly listeners = new Set<(type: ResourceType) => void>();

  constructor(types: Iterable<ResourceType> = []) {
    for (const t of types) this.register(t);
  }

  /** Adds a kind. Registering a kind name twice is an error: kinds are identified by name. */
  register<T extends KubeObject>(type: ResourceType<T>): ResourceType<T> {
    if (this.byKind.has(type.kind)) throw new BadRequestError(`kind ${type.kind} is already registered`);
    if (!/^[A-Z][A-Za-z0-9]*$/.test(type.kind)) throw new BadRequestError(`kind "${type.kind}" must be UpperCamelCase`);
    if (!/^[a-z][a-z0-9]*$/.test(type.plural))
      throw new BadRequestError(`plural "${type.plural}" must be lower-case letters and digits`);
    this.byKind.set(type.kind, type as unknown as ResourceType);
    for (const listener of this.listeners) listener(type as unknown as ResourceType);
    return type;
  }

  /**
   * Removes a kind (a CustomResourceDefinition that went away), so that it
   * can be registered again later. Returns whether it was registered.
   */
  unregister(kind: string): boolean {
    return this.byKind.delete(kind);
  }

  /**
   * Calls `listener` with every kind registered from now on, so components
   * that follow all kinds (the garbage collector) also follow kinds added
   * after they started. Returns a function that stops the calls.
   */
  onRegister(listener: (type: ResourceType) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The type registered under `kind`, if any. */
  find(kind: string): ResourceType | undefined {
    return this.byKind.get(kind);
  }

  /** The type registered under `kind`; throws a clear error naming the known kinds otherwise. */
  get(kind: string): ResourceType {
    const t = this.byKind.get(kind);
    if (!t)
      throw new BadRequestError(
        `no kind "${kind}" is registered: apply its CustomResourceDefinition first, or register it with api.registerResource(...); known kinds: ${[...this.byKind.keys()].sort().join(', ')}`,
      );
    return t;
  }

  /** The type for an object's `apiVersion` and `kind`, checking that the version matches. */
  forObject(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): ResourceType {
    const t = this.get(obj.kind);
    if (!servesApiVersion(t, obj.apiVersion)) {
      throw new BadRequestError(`kind ${obj.kind} is served as apiVersion ${apiVersionOf(t)}, not ${obj.apiVersion}`);
    }
    return t;
  }

  /** Every registered kind. */
  all(): ResourceType[] {
    return [...this.byKind.values()];
  }
}
