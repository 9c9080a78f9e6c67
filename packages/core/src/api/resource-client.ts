import { randomInt } from 'node:crypto';
import { type Observable, throwError } from 'rxjs';
import { currentRequester } from '../authz/requester.js';
import type { UserInfo } from '../authz/types.js';
import { type Clock, toTimestamp } from '../clock/clock.js';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  type ErrorTarget,
  type FieldError,
  InvalidError,
  NotFoundError,
  RequestTooLargeError,
} from '../errors/api-errors.js';
import { cloneJson } from '../json/clone-json.js';
import { jsonEqual } from '../json/json-equal.js';
import { jsonSizeWithin } from '../json/json-size-within.js';
import type { KubeList, KubeObject, ObjectRef } from '../model/meta.js';
import {
  apiVersionOf,
  type ResourceType,
  servesApiVersion,
  storageNameOf,
  type ValidationContext,
} from '../registry/resource-type.js';
import type { ObjectKey, Store, StoreWriteOptions, WatchEvent } from '../store/store.js';
import { forbidden, invalid } from '../validation/field-errors.js';
import { cutErrors } from '../validation/listed-errors.js';
import { validateObjectMeta } from '../validation/object-meta.js';
import type { AdmissionChain } from './admission.js';
import { deletesOnUpdate, planDeletion } from './deletion.js';
import type { DefaultFieldManager, FieldManager } from './field-manager.js';
import { applyMergePatch } from './merge-patch.js';
import type { NamespaceLifecycle } from './namespace-lifecycle.js';
import { newObjectUid } from './object-uid.js';
import { refFromArguments } from './ref-arguments.js';
import { compileObjectSelector, type ObjectSelector, watchSelected } from './selective-watch.js';
import type {
  AdmissionRequest,
  ClientListOptions,
  ClientWatchOptions,
  DeleteOptions,
  ResourceClient,
  WriteOptions,
} from './types.js';
import { assertSchema, copyWriteInput, type WriteInputLimits } from './write-input.js';

/** What every resource client of one Api shares. */
export interface ApiContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly admission: AdmissionChain;
  readonly namespaces: NamespaceLifecycle;
  /** Largest serialized object accepted, in bytes. */
  readonly maxObjectBytes: number;
  /**
   * The budgets of an input (object or patch) read at all: a bigger one is
   * refused before anything else runs. `maxBytes` is its serialized size:
   * Kubernetes reads request bodies up to twice etcd's object limit (3 MiB
   * against 1.5 MiB). `maxEntries` is Flotilla's own (see
   * `DEFAULT_MAX_INPUT_ENTRIES`).
   */
  readonly inputLimits: WriteInputLimits;
  /** `creationTimestamp` values from `clock`. */
  readonly timestamps: TimestampSource;
  /** Records managedFields once set (`Api.setFieldManager`); absent, nothing is recorded. */
  fieldManager?: FieldManager;
  /** The manager of writes that name none; absent, such writes are not recorded. */
  defaultFieldManager?: DefaultFieldManager;
}

/**
 * RFC 3339 timestamps from a Clock, formatted once per second: formatting a
 * Date costs as much as validating a pod's metadata, and timestamps have
 * one-second precision anyway.
 */
export class TimestampSource {
  private second = Number.NaN;
  private text = '';

  constructor(private readonly clock: Clock) {}

  /** The clock's current time as `2026-01-01T00:00:00Z`. */
  now(): string {
    const second = Math.floor(this.clock.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = toTimestamp(second * 1000);
    }
    return this.text;
  }
}

/**
 * Which part of an object a rewrite may change: the main resource (spec and
 * metadata; status too for kinds without a status subresource), `status`
 * only, or `binding` (a pod's `spec.nodeName` and its PodScheduled condition).
 */
export type Subresource = 'status' | 'binding';

/** How `rewrite` writes: under a resourceVersion precondition or not, and to which part. */
export interface RewriteOptions {
  /** The resourceVersion the caller read; a different stored one fails with ConflictError. Absent: unconditional. */
  precondition?: string;
  subresource?: Subresource;
  dryRun?: boolean;
  /** Who the write is made for; see `WriteOptions.requester`. */
  requester?: UserInfo;
  /** Who owns the fields the write sets; see `WriteOptions.fieldManager`. */
  fieldManager?: string;
  /**
   * The subresource the write's managedFields entry names when the request
   * came through one the Api does not model (`scale`). Default: `subresource`.
   */
  managedSubresource?: string;
}

/** Kubernetes' alphabet for generated names: no vowels (no words), no look-alikes (0/o, 1/l). */
const GENERATED_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const GENERATED_SUFFIX_LENGTH = 5;
/** Kubernetes truncates `generateName` so prefix + suffix fits a 63-character label. */
const MAX_GENERATE_NAME_PREFIX = 63 - GENERATED_SUFFIX_LENGTH;
const GENERATE_NAME_ATTEMPTS = 8;
/** Unconditional writes re-read and retry when another writer got in between; this bounds a pathological storm. */
const UNCONDITIONAL_WRITE_ATTEMPTS = 16;

/**
 * The context each write path validates with, made once: a plain write says
 * so explicitly (no subresource), which is what lets a kind refuse there
 * what only a subresource may change (a pod's `spec.nodeName`).
 */
const VALIDATION_CONTEXTS: Readonly<Record<Subresource | 'main', ValidationContext>> = {
  main: Object.freeze({}),
  status: Object.freeze({ subresource: 'status' }),
  binding: Object.freeze({ subresource: 'binding' }),
};

const HAND_OVER: StoreWriteOptions = Object.freeze({ handOver: true });
const COPY_IN: StoreWriteOptions = Object.freeze({});

/** Top-level members that are not spec: changes elsewhere bump `metadata.generation`. */
const NOT_SPEC = new Set(['apiVersion', 'kind', 'metadata', 'status']);

function generatedName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) {
    suffix += GENERATED_NAME_ALPHABET[randomInt(GENERATED_NAME_ALPHABET.length)];
  }
  return prefix.slice(0, MAX_GENERATE_NAME_PREFIX) + suffix;
}

/** True if anything outside metadata and status differs. */
function specChanged(next: KubeObject, stored: KubeObject): boolean {
  for (const key in next) if (!NOT_SPEC.has(key) && !jsonEqual(next[key], stored[key])) return true;
  for (const key in stored) if (!NOT_SPEC.has(key) && !(key in next) && stored[key] !== undefined) return true;
  return false;
}

/**
 * The `ResourceClient` the Api hands out: one per kind, shared by every
 * caller. Every write goes through one pipeline, in this order:
 *
 * a private copy of the input, refused unless it is a JSON document within
 * the depth and size bounds and every field the kind's schema knows has its
 * JSON type (`copyWriteInput`, `assertSchema`; a patch is checked after it is
 * merged) -> server metadata (uid, creationTimestamp, generation, a
 * generated name) -> the kind's defaults -> validation (generic metadata,
 * then the kind's own) -> namespace lifecycle (creates only) -> mutating
 * admission, validation again if a hook ran -> validating admission -> size
 * limit -> store (compare-and-swap for every change of a stored object).
 *
 * Guarantees:
 * - A write that fails at any step leaves the store untouched; `InvalidError`
 *   lists every bad field.
 * - `generation` is 1 on create and grows by one exactly when something
 *   outside metadata and status changes (pod binding excepted, as in
 *   Kubernetes).
 * - For kinds with a status subresource, `update`/`patch` keep the stored
 *   status and `updateStatus`/`patchStatus` change nothing but status.
 * - `uid`, `creationTimestamp`, `deletionTimestamp` and
 *   `deletionGracePeriodSeconds` are set by the Api only.
 * - A write with `metadata.resourceVersion` is compare-and-swap against it;
 *   one without is applied to the latest stored object (re-read and retried
 *   when another writer gets in between).
 *
 * Caveats:
 * - `create` keeps a `status` given in the input (Kubernetes clears it);
 *   tests and simulations use this to start objects in a known state.
 * - `list` applies a field selector after reading a page, so a page with a
 *   `limit` and a field selector may hold fewer items than the limit while
 *   `continue` is still set.
 */
export class ApiResourceClient<T extends KubeObject = KubeObject> implements ResourceClient<T> {
  readonly kind: string;
  /** Copies `create` made with `adopt` and hands to `insert`, which takes each once without copying it again. */
  private readonly adopted = new WeakSet<KubeObject>();
  private readonly resource: string;
  private readonly apiVersion: string;

  constructor(
    private readonly ctx: ApiContext,
    /** The registered type this client serves. */
    readonly type: ResourceType,
  ) {
    this.kind = type.kind;
    this.resource = storageNameOf(type);
    this.apiVersion = apiVersionOf(type);
  }

  async get(namespaceOrName: string | undefined, name?: string): Promise<T> {
    const key = this.key(this.ref(namespaceOrName, name, 'get'));
    await this.ctx.namespaces.ready();
    return (await this.ctx.store.get(key)) as T;
  }

  async list(opts: ClientListOptions = {}): Promise<KubeList<T>> {
    const selector = compileObjectSelector(opts.labelSelector, opts.fieldSelector);
    await this.ctx.namespaces.ready();
    const page = await this.ctx.store.list(this.resource, {
      namespace: this.type.namespaced ? opts.namespace : undefined,
      labelSelector: selector.labelSelector,
      limit: opts.limit,
      continue: opts.continue,
      shared: opts.shared,
    });
    const items = (selector.everything ? page.items : page.items.filter(selector.matches)) as T[];
    return page.continue === undefined
      ? { items, resourceVersion: page.resourceVersion }
      : { items, resourceVersion: page.resourceVersion, continue: page.continue };
  }

  /** A bad selector is reported as the stream's error, like every other watch failure. */
  watch(opts: ClientWatchOptions = {}): Observable<WatchEvent<T>> {
    let selector: ObjectSelector;
    try {
      selector = compileObjectSelector(opts.labelSelector, opts.fieldSelector);
    } catch (err) {
      return throwError(() => err);
    }
    const scope = {
      namespace: this.type.namespaced ? opts.namespace : undefined,
      resourceVersion: opts.resourceVersion,
      shared: opts.shared,
    };
    const events = selector.everything
      ? this.ctx.store.watch(this.resource, scope)
      : watchSelected(this.ctx.store, this.resource, scope, selector);
    return events as Observable<WatchEvent<T>>;
  }

  async create(obj: T, opts: WriteOptions = {}): Promise<T> {
    // Adopted before anything else, so an `insert` override reads a checked copy, never the caller's value.
    const next = this.adopt(obj, 'create');
    this.adopted.add(next);
    await this.ctx.namespaces.ready();
    return this.insert(next, opts.dryRun ?? false, opts.requester, opts.fieldManager);
  }

  /**
   * `create` without waiting for the namespace cache: the namespace
   * lifecycle calls it to create the initial namespaces while it starts.
   */
  async insert(obj: KubeObject, dryRun: boolean, requester?: UserInfo, fieldManager?: string): Promise<T> {
    const adopted = this.adopted.delete(obj) ? obj : this.adopt(obj, 'create');
    const given = adopted.metadata;
    given.uid = newObjectUid();
    given.creationTimestamp = this.ctx.timestamps.now();
    given.generation = 1;
    delete given.resourceVersion;
    delete given.deletionTimestamp;
    delete given.deletionGracePeriodSeconds;
    if (!this.type.namespaced) delete given.namespace;
    const generate = !given.name && given.generateName ? given.generateName : undefined;
    if (generate !== undefined) given.name = generatedName(generate);
    // Defaulted before its fields are recorded, as Kubernetes defaults a body as it decodes it, before its field
    // manager runs: the creator owns the defaults; what admission adds after is nobody's.
    this.type.default?.(adopted);
    const next = this.recordManaged(undefined, adopted, fieldManager, undefined, requester);
    this.type.admissionDefault?.(next);
    const meta = next.metadata;

    this.assertValid(next);
    if (this.type.namespaced) {
      const lookup = this.ctx.namespaces.assertCreatable(meta.namespace!);
      if (lookup) await lookup;
    }
    await this.admit('CREATE', next, undefined, undefined, dryRun, requester);
    this.assertSize(next);
    if (dryRun) return next as T;

    for (let attempt = 1; ; attempt++) {
      try {
        const stored = await this.ctx.store.create(this.key(meta), next, this.handOver());
        if (this.kind === 'Namespace') this.ctx.namespaces.observe(stored, false);
        return stored as T;
      } catch (err) {
        if (!(err instanceof AlreadyExistsError) || generate === undefined || attempt >= GENERATE_NAME_ATTEMPTS)
          throw err;
        meta.name = generatedName(generate);
      }
    }
  }

  async update(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.replace(obj, undefined, opts);
  }

  async updateStatus(obj: T, opts: WriteOptions = {}): Promise<T> {
    this.assertStatusSubresource('updateStatus');
    return this.replace(obj, 'status', opts);
  }

  async patch(namespaceOrName: string | undefined, nameOrPatch: string | object, patch?: object): Promise<T> {
    return this.patchPart(namespaceOrName, nameOrPatch, patch, undefined);
  }

  async patchStatus(namespaceOrName: string | undefined, nameOrPatch: string | object, patch?: object): Promise<T> {
    this.assertStatusSubresource('patchStatus');
    return this.patchPart(namespaceOrName, nameOrPatch, patch, 'status');
  }

  async delete(
    namespaceOrName: string | undefined,
    nameOrOpts?: string | DeleteOptions,
    opts?: DeleteOptions,
  ): Promise<T> {
    const named = typeof nameOrOpts === 'string';
    const ref = this.ref(namespaceOrName, named ? nameOrOpts : undefined, 'delete');
    const options = (named ? opts : nameOrOpts) ?? {};
    const key = this.key(ref);
    await this.ctx.namespaces.ready();
    const precondition = options.preconditions?.resourceVersion;
    for (let attempt = 1; ; attempt++) {
      const stored = await this.ctx.store.get(key);
      this.assertPreconditions(stored, options.preconditions);
      await this.admit('DELETE', stored, stored, undefined, false, options.requester);
      const plan = planDeletion(stored, options, this.ctx.clock.now());
      if (plan.action === 'mark' && jsonEqual(plan.object, stored)) return stored as T;
      try {
        const result =
          plan.action === 'delete'
            ? await this.ctx.store.delete(key, stored.metadata.resourceVersion)
            : await this.ctx.store.update(key, plan.object, stored.metadata.resourceVersion!);
        if (this.kind === 'Namespace') this.ctx.namespaces.observe(result, plan.action === 'delete');
        return result as T;
      } catch (err) {
        if (!this.retryable(err, precondition, attempt)) throw err;
      }
    }
  }

  /**
   * Reads the stored object, lets `build` produce the desired one, and runs
   * it through the update pipeline (system metadata, subresource separation,
   * generation, defaults, validation, admission, size, compare-and-swap).
   * `build` receives a copy it may keep or change. Used by update, patch and
   * pod binding.
   */
  async rewrite(ref: ObjectRef, opts: RewriteOptions, build: (stored: T) => KubeObject): Promise<T> {
    const key = this.key(ref);
    await this.ctx.namespaces.ready();
    for (let attempt = 1; ; attempt++) {
      const stored = (await this.ctx.store.get(key)) as T;
      if (opts.precondition !== undefined && opts.precondition !== stored.metadata.resourceVersion) {
        throw new ConflictError(this.target(ref));
      }
      const built = this.carryOver(build(cloneJson(stored)), stored, opts.subresource);
      if (opts.subresource === undefined) this.type.prepareForUpdate?.(built, stored);
      if (opts.subresource !== 'status') this.type.default?.(built);
      const next = this.recordManaged(
        stored,
        built,
        opts.fieldManager,
        opts.managedSubresource ?? opts.subresource,
        opts.requester,
      );
      if (opts.subresource !== 'status') this.type.admissionDefault?.(next);
      this.assertValid(next, stored, opts.subresource);
      await this.admit('UPDATE', next, stored, opts.subresource, opts.dryRun ?? false, opts.requester);
      this.assertSize(next);
      if (opts.dryRun) return next as T;
      try {
        const removed = deletesOnUpdate(next, stored);
        const result = removed
          ? await this.ctx.store.delete(key, stored.metadata.resourceVersion)
          : await this.ctx.store.update(key, next, stored.metadata.resourceVersion!, this.handOver());
        if (this.kind === 'Namespace') this.ctx.namespaces.observe(result, removed);
        return result as T;
      } catch (err) {
        if (!this.retryable(err, opts.precondition, attempt)) throw err;
      }
    }
  }

  /** `update` or `updateStatus`: the caller's object, compare-and-swap on its resourceVersion when it has one. */
  private async replace(obj: T, subresource: Subresource | undefined, opts: WriteOptions): Promise<T> {
    const method = subresource ? 'updateStatus' : 'update';
    const wanted = this.adopt(obj, method);
    const meta = wanted.metadata;
    if (!meta.name) throw new BadRequestError(`${method} needs metadata.name`);
    if (this.type.namespaced && !meta.namespace) throw new BadRequestError(`${method} needs metadata.namespace`);
    const ref = { namespace: meta.namespace, name: meta.name };
    const options = { ...opts, precondition: meta.resourceVersion, subresource };
    return this.rewrite(ref, options, this.reusing(wanted, options.precondition === undefined));
  }

  /**
   * Creates `obj`, or updates the stored object of the same name to match it
   * (what `Api.apply` does once it knows the kind): the update is made at the
   * stored resourceVersion, and an object without `status` keeps the stored one.
   */
  async apply(obj: KubeObject): Promise<T> {
    const wanted = this.adopt(obj, 'apply');
    const name = wanted.metadata.name;
    if (!name) return this.create(wanted as T);
    const ref = this.type.namespaced ? { namespace: wanted.metadata.namespace, name } : { name };
    try {
      return await this.rewrite(ref, {}, (stored) => {
        const next = cloneJson(wanted);
        if (next.status === undefined && stored.status !== undefined) next.status = stored.status;
        return next;
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return this.create(wanted as T);
    }
  }

  /**
   * A `rewrite` builder handing out `wanted` itself the first time (it is a
   * private copy, so the write path may keep it) and, when the write may be
   * retried, a fresh copy of it as it was for each retry (an attempt changes
   * the object it was given).
   */
  private reusing(wanted: KubeObject, retried: boolean): () => KubeObject {
    const pristine = retried ? cloneJson(wanted) : undefined;
    let used = false;
    return () => {
      if (used) return cloneJson(pristine ?? wanted);
      used = true;
      return wanted;
    };
  }

  private async patchPart(
    namespaceOrName: string | undefined,
    nameOrPatch: string | object,
    patch: object | undefined,
    subresource: Subresource | undefined,
  ): Promise<T> {
    const named = typeof nameOrPatch === 'string';
    const method = subresource ? 'patchStatus' : 'patch';
    const ref = this.ref(namespaceOrName, named ? nameOrPatch : undefined, method);
    const raw = named ? patch : nameOrPatch;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new BadRequestError(`${method} needs a JSON merge patch object, e.g. { metadata: { labels: { a: 'b' } } }`);
    }
    const body = copyWriteInput(raw, this.kind, method, this.ctx.inputLimits);
    const precondition = (body as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
    return this.rewrite(
      ref,
      { precondition: typeof precondition === 'string' ? precondition : undefined, subresource },
      (stored) => {
        const merged = applyMergePatch(stored, body) as KubeObject;
        assertSchema(merged, this.type);
        return merged;
      },
    );
  }

  /**
   * `next` with its write recorded in managedFields, when the Api keeps them
   * and the write has a manager (see `FieldManager`). A binding is not recorded: Kubernetes records the
   * Binding object, not the Pod it changes.
   */
  private recordManaged(
    live: KubeObject | undefined,
    next: KubeObject,
    fieldManager: string | undefined,
    subresource: string | undefined,
    requester: UserInfo | undefined,
  ): KubeObject {
    const recorder = this.ctx.fieldManager;
    if (recorder === undefined || subresource === 'binding') return next;
    const byDefault = this.ctx.defaultFieldManager;
    const manager =
      fieldManager ?? (typeof byDefault === 'function' ? byDefault(requester ?? currentRequester()) : byDefault);
    if (manager === undefined) return next;
    return recorder.record(live, next, { manager, now: new Date(this.ctx.clock.now()), subresource });
  }

  /**
   * Builds the object to store from what the caller wants and what is
   * stored: identity and server-set metadata come from the stored object,
   * and each subresource changes only its own part.
   */
  private carryOver(wanted: KubeObject, stored: T, subresource: Subresource | undefined): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      next = cloneJson(stored) as KubeObject;
      if (wanted.status === undefined) delete next.status;
      else next.status = wanted.status;
    } else {
      next = wanted;
      next.apiVersion = this.apiVersion;
      next.kind = this.kind;
      next.metadata ??= { name: stored.metadata.name };
      if (this.type.statusSubresource && subresource !== 'binding') {
        if (stored.status === undefined) delete next.status;
        else next.status = cloneJson(stored.status);
      }
    }
    const meta = next.metadata;
    const old = stored.metadata;
    meta.uid ??= old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    // Each is set only when the stored object has it: adding both and then deleting the first (no longer the
    // last added) turned every updated object's metadata into a dictionary, about 500 bytes more per object.
    if (old.deletionTimestamp !== undefined) meta.deletionTimestamp = old.deletionTimestamp;
    else if ('deletionTimestamp' in meta) delete meta.deletionTimestamp;
    if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    else if ('deletionGracePeriodSeconds' in meta) delete meta.deletionGracePeriodSeconds;
    if (!this.type.namespaced) delete meta.namespace;
    meta.resourceVersion = old.resourceVersion;
    // Binding is not a spec edit by the owner (Kubernetes writes it without its update strategy).
    const bumps = subresource !== 'binding' && specChanged(next, stored);
    meta.generation = (old.generation ?? 1) + (bumps ? 1 : 0);
    return next;
  }

  /** Errors of changes only an update can make: identity, and finalizers added during deletion. */
  private transitionErrors(next: KubeObject, stored: KubeObject): FieldError[] {
    const errors: FieldError[] = [];
    const meta = next.metadata;
    const old = stored.metadata;
    for (const field of ['name', 'namespace', 'uid'] as const) {
      if (meta[field] !== old[field]) errors.push(invalid(`metadata.${field}`, meta[field], 'field is immutable'));
    }
    if (old.deletionTimestamp) {
      const added = (meta.finalizers ?? []).filter((f) => !old.finalizers?.includes(f));
      if (added.length > 0) {
        errors.push(
          forbidden(
            'metadata.finalizers',
            `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          ),
        );
      }
    }
    return errors;
  }

  /** Validates a write; `subresource` tells the kind's validator which path the write takes (see `ValidationContext`). */
  private assertValid(obj: KubeObject, old?: KubeObject, subresource?: Subresource): void {
    const metaErrors = validateObjectMeta(obj, this.type, old);
    const kindErrors = this.type.validate?.(obj, old, VALIDATION_CONTEXTS[subresource ?? 'main']) ?? [];
    const transition = old ? this.transitionErrors(obj, old) : [];
    if (metaErrors.length + kindErrors.length + transition.length === 0) return;
    const name = obj.metadata.name || obj.metadata.generateName || '';
    throw new InvalidError(this.kind, name, cutErrors(metaErrors.concat(kindErrors, transition)));
  }

  private async admit(
    operation: AdmissionRequest['operation'],
    object: KubeObject,
    oldObject: KubeObject | undefined,
    subresource: Subresource | undefined,
    dryRun: boolean,
    requester: UserInfo | undefined,
  ): Promise<void> {
    const chain = this.ctx.admission;
    if (chain.emptyFor(this.kind)) return;
    const userInfo = requester ?? currentRequester();
    const req: AdmissionRequest = { operation, kind: this.kind, object, oldObject, subresource, dryRun, userInfo };
    if (operation !== 'DELETE' && (await chain.mutate(req))) this.assertValid(object, oldObject, subresource);
    await chain.validate(req);
  }

  /**
   * How a write gives the store its object. The pipeline's object is a
   * private copy nobody else can reach, so the store may keep it rather than
   * copy it again; unless an admission hook other than Flotilla's own has
   * seen it, since such a hook could have kept a reference.
   */
  private handOver(): StoreWriteOptions {
    return this.ctx.admission.builtinOnlyFor(this.kind) ? HAND_OVER : COPY_IN;
  }

  private assertStatusSubresource(method: string): void {
    if (!this.type.statusSubresource) {
      throw new BadRequestError(`${this.kind} has no status subresource: ${method} is not served; use update or patch`);
    }
  }

  private assertSize(obj: KubeObject): void {
    const limit = this.ctx.maxObjectBytes;
    // Serializing costs as much as the rest of the pipeline; only objects near the limit need it.
    if (jsonSizeWithin(obj, limit)) return;
    const bytes = Buffer.byteLength(JSON.stringify(obj));
    if (bytes > limit) throw new RequestTooLargeError(bytes, limit);
  }

  private assertPreconditions(stored: KubeObject, pre: DeleteOptions['preconditions']): void {
    const target = this.target(stored.metadata);
    if (pre?.uid !== undefined && pre.uid !== stored.metadata.uid) {
      throw new ConflictError(
        target,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${stored.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== stored.metadata.resourceVersion) {
      throw new ConflictError(
        target,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${stored.metadata.resourceVersion}`,
      );
    }
  }

  /** Only writes the caller did not pin to a resourceVersion are retried after a conflict. */
  private retryable(err: unknown, precondition: string | undefined, attempt: number): boolean {
    return err instanceof ConflictError && precondition === undefined && attempt < UNCONDITIONAL_WRITE_ATTEMPTS;
  }

  /**
   * A private copy of the caller's `obj` with this client's apiVersion and
   * kind: JSON only and every known field of its type (see
   * `copyWriteInput`, `assertSchema`), of this kind.
   */
  private adopt(obj: unknown, method: string): KubeObject {
    const next = copyWriteInput(obj, this.kind, method, this.ctx.inputLimits);
    assertSchema(next, this.type);
    if (next.kind !== undefined && next.kind !== this.kind) {
      throw new BadRequestError(`this client serves ${this.kind}, not ${next.kind}: use api.resource('${next.kind}')`);
    }
    if (next.apiVersion !== undefined && !servesApiVersion(this.type, next.apiVersion)) {
      throw new BadRequestError(`${this.kind} is served as apiVersion ${this.apiVersion}, not ${next.apiVersion}`);
    }
    next.apiVersion = this.apiVersion;
    next.kind = this.kind;
    next.metadata ??= {} as KubeObject['metadata'];
    return next;
  }

  private ref(namespaceOrName: string | undefined, name: string | undefined, method: string): ObjectRef {
    return refFromArguments(this.type, namespaceOrName, name, method);
  }

  private key(ref: ObjectRef): ObjectKey {
    return this.type.namespaced
      ? { resource: this.resource, namespace: ref.namespace, name: ref.name }
      : { resource: this.resource, name: ref.name };
  }

  private target(ref: ObjectRef): ErrorTarget {
    return { resource: this.resource, namespace: ref.namespace, name: ref.name };
  }
}
