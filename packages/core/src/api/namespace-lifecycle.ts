import type { Subscription } from 'rxjs';
import { AlreadyExistsError, ForbiddenError, NotFoundError } from '../errors/api-errors.js';
import type { KubeObject } from '../model/meta.js';
import type { Store } from '../store/store.js';

/** Namespaces that exist from the start, as in a new Kubernetes cluster. */
export const INITIAL_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const NAMESPACES = 'namespaces';

/** What the cache knows of one namespace, at the revision it was last seen. */
interface NamespaceState {
  revision: number;
  /** `undefined`: the namespace was deleted at `revision`. */
  terminating: boolean | undefined;
}

function terminatingError(namespace: string): ForbiddenError {
  return new ForbiddenError(
    `unable to create new content in namespace ${namespace} because it is being terminated; wait until it is gone and create it again, or use another namespace`,
  );
}

function isTerminating(ns: KubeObject): boolean {
  return (
    ns.metadata.deletionTimestamp !== undefined ||
    (ns.status as { phase?: string } | undefined)?.phase === 'Terminating'
  );
}

/**
 * Kubernetes' NamespaceLifecycle admission: objects may only be created in a
 * namespace that exists and is not terminating. Keeps a cache of namespaces,
 * current through a store watch, so the check costs a map lookup on the
 * write path.
 *
 * Guarantees: the cache never goes back in revision (a late watch event
 * cannot undo a newer write this Api recorded); a namespace missing from the
 * cache is looked up in the store before a create is refused, so a namespace
 * created through another Api on the same store is found at once.
 *
 * Caveats: a namespace that another Api on the same store marks as
 * terminating is seen here when its watch event arrives (immediately with
 * `MemoryStore`, after a round trip with etcd); Kubernetes' own admission
 * cache has the same lag.
 */
export class NamespaceLifecycle {
  private readonly states = new Map<string, NamespaceState>();
  private started: Promise<void> | undefined;
  private subscription: Subscription | undefined;

  /**
   * @param store where namespaces live
   * @param createNamespace creates a Namespace through the Api's write path
   *   without waiting for this lifecycle to start (it is called while starting)
   */
  constructor(
    private readonly store: Store,
    private readonly createNamespace: (ns: KubeObject) => Promise<unknown>,
  ) {}

  /**
   * Resolves once the cache is filled and the initial namespaces exist. The
   * first call does the work; later calls return the same promise, so the
   * hot path pays one resolved-promise await.
   */
  ready(): Promise<void> {
    this.started ??= this.start().catch((err: unknown) => {
      this.started = undefined;
      throw err;
    });
    return this.started;
  }

  /** Records a namespace this Api just wrote (or deleted), ahead of its watch event. */
  observe(ns: KubeObject, deleted: boolean): void {
    const revision = Number(ns.metadata.resourceVersion);
    const known = this.states.get(ns.metadata.name);
    if (known && known.revision >= revision) return;
    this.states.set(ns.metadata.name, { revision, terminating: deleted ? undefined : isTerminating(ns) });
  }

  /**
   * Fails unless objects may be created in `namespace`: `NotFoundError` if
   * it does not exist, `ForbiddenError` (Kubernetes' wording) if it is being
   * deleted. Answers synchronously from the cache (`undefined`: allowed, or
   * a throw); returns a promise only when it must ask the store.
   */
  assertCreatable(namespace: string): Promise<void> | undefined {
    const state = this.states.get(namespace);
    if (state?.terminating === undefined) return this.lookUp(namespace);
    if (state.terminating) throw terminatingError(namespace);
    return undefined;
  }

  /** Stops following namespace changes. */
  close(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private async lookUp(namespace: string): Promise<void> {
    try {
      this.observe(await this.store.get({ resource: NAMESPACES, name: namespace }), false);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError({ resource: NAMESPACES, name: namespace });
      throw err;
    }
    if (this.states.get(namespace)?.terminating) throw terminatingError(namespace);
  }

  private async start(): Promise<void> {
    const list = await this.store.list(NAMESPACES);
    for (const ns of list.items) this.observe(ns, false);
    this.subscription = this.store.watch(NAMESPACES, { resourceVersion: list.resourceVersion }).subscribe({
      next: (event) => this.observe(event.object, event.type === 'DELETED'),
      // Lost history: forget the cache and fill it again on the next request.
      error: () => {
        this.subscription = undefined;
        this.started = undefined;
        this.states.clear();
      },
    });
    for (const name of INITIAL_NAMESPACES) {
      if (this.states.get(name)?.terminating !== undefined) continue;
      try {
        await this.createNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (err) {
        // Another Api on the same store created it first.
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
    }
  }
}
