import type { Subscription } from 'rxjs';
import {
  CRD_CLEANUP_FINALIZER,
  type CustomResourceType,
  customResourceType,
} from '../apiextensions/custom-resource-type.js';
import type { UserInfo } from '../authz/types.js';
import { InvalidError, isReason } from '../errors/api-errors.js';
import type { CustomResourceDefinition } from '../model/apiextensions-v1.js';
import type { KubeObject, ObjectRef } from '../model/meta.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import { storageNameOf } from '../registry/resource-type.js';
import type { Store } from '../store/store.js';
import { invalid } from '../validation/field-errors.js';
import { type ApiContext, ApiResourceClient, type RewriteOptions } from './resource-client.js';
import type { DeleteOptions } from './types.js';

const CRD_RESOURCE = 'customresourcedefinitions.apiextensions.k8s.io';

const isGone = (crd: Readonly<KubeObject>) =>
  crd.metadata.deletionTimestamp !== undefined && !(crd.metadata.finalizers ?? []).length;

/** What the lifecycle needs from the Api: clients by kind, and dropping a client whose kind changed. */
export interface CustomResourceHost {
  client(kind: string): ApiResourceClient;
  forgetClient(kind: string): void;
}

/**
 * Serves the kinds CustomResourceDefinitions define, as the
 * apiextensions-apiserver does inside kube-apiserver:
 *
 * - a CRD written through this Api registers (or refreshes) its kind before
 *   the write returns, so a custom resource can be applied right after its CRD;
 * - `ready()` loads the CRDs already stored and follows the store, so CRDs
 *   written by another Api over the same store are served too;
 * - deleting a CRD adds the `customresourcecleanup` finalizer, deletes every
 *   object of its kind, and lets the CRD go (and its kind be unregistered)
 *   once they are all gone, objects with finalizers included.
 *
 * Caveats: a kind is identified by its name alone here, so a CRD whose kind
 * another group already serves is refused.
 */
export class CustomResourceLifecycle {
  private readonly served = new Map<string, { kind: string; spec: string }>();
  private readonly cleaning = new Map<string, Subscription | undefined>();
  private started: Promise<void> | undefined;
  private subscription: Subscription | undefined;

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly store: Store,
    private readonly host: CustomResourceHost,
  ) {}

  /** Loads the stored CRDs once and follows later changes. */
  ready(): Promise<void> {
    this.started ??= this.start().catch((err: unknown) => {
      this.started = undefined;
      throw err;
    });
    return this.started;
  }

  /** Refuses a CRD whose kind is already served by something else. */
  assertKindFree(crd: Readonly<CustomResourceDefinition>): void {
    const kind = crd.spec?.names?.kind;
    const existing = kind ? this.registry.find(kind) : undefined;
    if (!existing) return;
    const mine = (existing as Partial<CustomResourceType>).definedBy === crd.metadata.name;
    if (mine) return;
    throw new InvalidError('CustomResourceDefinition', crd.metadata.name, [
      invalid(
        'spec.names.kind',
        kind,
        `kind ${kind} is already served by ${existing.group || 'the core group'}; Flotilla identifies kinds by name`,
      ),
    ]);
  }

  /** Registers, refreshes or (once gone) unregisters the kind of a CRD as stored. */
  observe(crd: Readonly<CustomResourceDefinition>): void {
    if (isGone(crd)) {
      this.remove(crd.metadata.name);
      return;
    }
    const spec = JSON.stringify(crd.spec);
    const known = this.served.get(crd.metadata.name);
    if (known?.spec !== spec) {
      if (known) {
        this.registry.unregister(known.kind);
        this.host.forgetClient(known.kind);
      }
      this.registry.register(customResourceType(crd));
      this.served.set(crd.metadata.name, { kind: crd.spec.names.kind, spec });
    }
  }

  /** Stops following the store and any pending clean-up. */
  close(): void {
    this.subscription?.unsubscribe();
    for (const s of this.cleaning.values()) s?.unsubscribe();
    this.cleaning.clear();
  }

  /**
   * Deletes every object of a deleted CRD's kind; when none is left, removes
   * the clean-up finalizer (the CRD then goes). While objects held by
   * finalizers remain, tries again each time one of them is deleted.
   */
  async cleanUp(crd: Readonly<CustomResourceDefinition>): Promise<void> {
    const name = crd.metadata.name;
    if (this.cleaning.has(name) && this.cleaning.get(name) === undefined) return;
    this.cleaning.get(name)?.unsubscribe();
    this.cleaning.set(name, undefined);
    const kind = crd.spec.names.kind;
    const objects = this.host.client(kind);
    const { items } = await objects.list();
    for (const o of items) {
      if (o.metadata.deletionTimestamp) continue;
      await objects.delete(o.metadata.namespace, o.metadata.name).catch((err: unknown) => {
        if (!isReason(err, 'NotFound')) throw err;
      });
    }
    const { items: left, resourceVersion } = await objects.list();
    if (left.length > 0) {
      const type = this.registry.get(kind);
      const retry = this.store.watch(storageNameOf(type), { resourceVersion }).subscribe((e) => {
        // Deferred: a replayed event arrives inside subscribe(), before this retry is recorded as pending.
        if (e.type === 'DELETED') queueMicrotask(() => void this.cleanUp(crd).catch(() => undefined));
      });
      this.cleaning.set(name, retry);
      return;
    }
    this.cleaning.delete(name);
    const crds = this.host.client('CustomResourceDefinition');
    await crds
      .rewrite({ name }, {}, (stored) => {
        stored.metadata.finalizers = (stored.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
        return stored;
      })
      .catch((err: unknown) => {
        if (!isReason(err, 'NotFound')) throw err;
      });
    this.remove(name);
  }

  private remove(name: string): void {
    const known = this.served.get(name);
    if (!known) return;
    this.served.delete(name);
    this.registry.unregister(known.kind);
    this.host.forgetClient(known.kind);
  }

  private async start(): Promise<void> {
    const list = await this.store.list(CRD_RESOURCE);
    for (const crd of list.items) this.observe(crd as CustomResourceDefinition);
    this.subscription = this.store.watch(CRD_RESOURCE, { resourceVersion: list.resourceVersion }).subscribe({
      next: (e) => {
        if (e.type === 'DELETED') return this.remove(e.object.metadata.name);
        const crd = e.object as CustomResourceDefinition;
        this.observe(crd);
        // A CRD another Api marked for deletion: finish its clean-up here too (each step is idempotent).
        if (crd.metadata.deletionTimestamp) void this.cleanUp(crd).catch(() => undefined);
      },
      error: () => {
        this.subscription = undefined;
        this.started = undefined;
      },
    });
  }
}

/**
 * The client of CustomResourceDefinitions: every write goes through the
 * lifecycle, so the kind is served (or stops being served) as the write
 * returns, and a delete cleans up the kind's objects first.
 */
export class CustomResourceDefinitionClient extends ApiResourceClient<CustomResourceDefinition> {
  constructor(
    ctx: ApiContext,
    type: ConstructorParameters<typeof ApiResourceClient>[1],
    private readonly lifecycle: CustomResourceLifecycle,
  ) {
    super(ctx, type);
  }

  override async insert(
    obj: KubeObject,
    dryRun: boolean,
    requester?: UserInfo,
    fieldManager?: string,
  ): Promise<CustomResourceDefinition> {
    this.lifecycle.assertKindFree(obj as CustomResourceDefinition);
    const stored = await super.insert(obj, dryRun, requester, fieldManager);
    if (!dryRun) this.lifecycle.observe(stored);
    return stored;
  }

  override async rewrite(
    ref: ObjectRef,
    opts: RewriteOptions,
    build: (stored: CustomResourceDefinition) => KubeObject,
  ): Promise<CustomResourceDefinition> {
    const stored = await super.rewrite(ref, opts, (s) => {
      const next = build(s);
      this.lifecycle.assertKindFree(next as CustomResourceDefinition);
      return next;
    });
    if (!opts.dryRun) this.lifecycle.observe(stored);
    return stored;
  }

  override async delete(
    namespaceOrName: string | undefined,
    nameOrOpts?: string | DeleteOptions,
    opts?: DeleteOptions,
  ): Promise<CustomResourceDefinition> {
    const name = typeof nameOrOpts === 'string' ? nameOrOpts : (namespaceOrName ?? '');
    const options = (typeof nameOrOpts === 'string' ? opts : nameOrOpts) ?? {};
    // Kubernetes adds the clean-up finalizer in the delete itself; a caller pinning a resourceVersion gets it checked first.
    await super.rewrite({ name }, { precondition: options.preconditions?.resourceVersion }, (crd) => {
      if (!crd.metadata.finalizers?.includes(CRD_CLEANUP_FINALIZER)) {
        crd.metadata.finalizers = [...(crd.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER];
      }
      return crd;
    });
    const marked = await super.delete(name, { ...options, preconditions: { uid: options.preconditions?.uid } });
    await this.lifecycle.cleanUp(marked);
    return marked;
  }
}
