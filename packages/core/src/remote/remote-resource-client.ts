import type { Observable } from 'rxjs';
import { refFromArguments } from '../api/ref-arguments.js';
import type {
  ClientListOptions,
  ClientWatchOptions,
  DeleteOptions,
  ResourceClient,
  WriteOptions,
} from '../api/types.js';
import { BadRequestError, type ErrorTarget } from '../errors/api-errors.js';
import { isJsonObject } from '../json/json-object.js';
import type { Scale } from '../model/autoscaling-v1.js';
import type { KubeList, KubeObject, ObjectRef } from '../model/meta.js';
import type { WatchEvent } from '../store/store.js';
import type { HttpTransport, RequestSpec } from './http-transport.js';
import { remoteWatch, selectorText, type WatchDeps, withTypeMeta } from './remote-watch.js';
import { collectionPath, type RestMapping } from './rest-mapper.js';

/** What a remote resource client shares with its Api. */
export interface RemoteClientContext extends WatchDeps {
  transport: HttpTransport;
  mapping(kind: string): Promise<RestMapping>;
  /** Where namespaced objects without `metadata.namespace` go: the kubeconfig context's namespace. */
  defaultNamespace: string;
  /** The field manager named on every write that names none (`WriteOptions.fieldManager`). */
  fieldManager: string;
}

/** Options of a server-side apply (`RemoteResourceClient.serverSideApply`). */
export interface ServerSideApplyOptions {
  /** Who owns the applied fields. Default: the Api's field manager. */
  fieldManager?: string;
  /** Take fields other managers own instead of failing with a conflict. Default false, as kubectl. */
  force?: boolean;
  dryRun?: boolean;
}

/** Media types of the patches Kubernetes takes. */
export const MERGE_PATCH = 'application/merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * A `ResourceClient` over Kubernetes' REST protocol: the same calls, the
 * same argument forms and the same typed errors as the in-process Api's
 * client. Paths come from discovery (see `RestMapper`).
 *
 * Differences from the in-process client, all of them Kubernetes' own:
 * list items and watch objects get `apiVersion`/`kind` filled in from the
 * mapping (the server leaves them out of lists); a delete answered with a
 * `Status` (some kinds) returns the object's name and uid only.
 */
export class RemoteResourceClient<T extends KubeObject = KubeObject> implements ResourceClient<T> {
  private mapped?: RestMapping;

  constructor(
    private readonly ctx: RemoteClientContext,
    readonly kind: string,
  ) {}

  /** The REST mapping of this kind (from discovery, cached). */
  async mapping(): Promise<RestMapping> {
    this.mapped ??= await this.ctx.mapping(this.kind);
    return this.mapped;
  }

  async get(namespaceOrName: string | undefined, name?: string): Promise<T> {
    const m = await this.mapping();
    const ref = this.ref(m, namespaceOrName, name, 'get');
    return this.send(m, { method: 'GET', path: this.objectPath(m, ref), target: this.target(m, ref) });
  }

  async list(opts: ClientListOptions = {}): Promise<KubeList<T>> {
    const m = await this.mapping();
    const { body } = await this.ctx.transport.request({
      method: 'GET',
      path: collectionPath(m, m.namespaced ? opts.namespace : undefined),
      query: {
        labelSelector: selectorText(opts.labelSelector),
        fieldSelector: opts.fieldSelector || undefined,
        limit: opts.limit,
        continue: opts.continue,
      },
      target: { resource: m.plural, namespace: opts.namespace, name: '' },
    });
    const list = isJsonObject(body) ? body : {};
    const meta = isJsonObject(list.metadata) ? list.metadata : {};
    const items = (Array.isArray(list.items) ? list.items : []).map((item) => withTypeMeta(item as T, m));
    const out: KubeList<T> = { items, resourceVersion: String(meta.resourceVersion ?? '') };
    if (typeof meta.continue === 'string' && meta.continue !== '') out.continue = meta.continue;
    return out;
  }

  async create(obj: T, opts: WriteOptions = {}): Promise<T> {
    const m = await this.mapping();
    const ref = this.objectRef(m, obj, 'create', true);
    return this.send(m, {
      method: 'POST',
      path: collectionPath(m, ref.namespace),
      query: this.writeQuery(opts),
      body: this.typed(m, obj),
      target: this.target(m, ref),
      operation: 'create',
    });
  }

  update(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(obj, opts, '');
  }

  updateStatus(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(obj, opts, '/status');
  }

  patch(namespaceOrName: string | undefined, nameOrPatch: string | object, patch?: object): Promise<T> {
    return this.mergePatch(namespaceOrName, nameOrPatch, patch, '');
  }

  patchStatus(namespaceOrName: string | undefined, nameOrPatch: string | object, patch?: object): Promise<T> {
    return this.mergePatch(namespaceOrName, nameOrPatch, patch, '/status');
  }

  async delete(
    namespaceOrName: string | undefined,
    nameOrOpts?: string | DeleteOptions,
    opts?: DeleteOptions,
  ): Promise<T> {
    const m = await this.mapping();
    const named = typeof nameOrOpts === 'string';
    const ref = this.ref(m, namespaceOrName, named ? nameOrOpts : undefined, 'delete');
    const options = (named ? opts : nameOrOpts) ?? {};
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', ...options };
    const answer = await this.ctx.transport.request({
      method: 'DELETE',
      path: this.objectPath(m, ref),
      body,
      target: this.target(m, ref),
      operation: 'delete',
    });
    if (isJsonObject(answer.body) && answer.body.kind !== 'Status') return withTypeMeta(answer.body as T, m);
    // Some kinds answer a delete with a Status: only the name and uid are known then.
    const details = isJsonObject(answer.body) && isJsonObject(answer.body.details) ? answer.body.details : {};
    const metadata = { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    if (typeof details.uid === 'string') Object.assign(metadata, { uid: details.uid });
    return withTypeMeta({ metadata } as T, m);
  }

  watch(opts: ClientWatchOptions = {}): Observable<WatchEvent<T>> {
    return remoteWatch<T>(this.ctx, () => this.mapping(), { resource: this.kind, name: '' }, opts);
  }

  /**
   * Server-side apply (`PATCH` with `application/apply-patch+yaml`): creates
   * the object or sets the fields `obj` names, owned by the field manager;
   * a field another manager owns is a `ConflictError` unless `force`.
   */
  async serverSideApply(obj: T, opts: ServerSideApplyOptions = {}): Promise<T> {
    const m = await this.mapping();
    const ref = this.objectRef(m, obj, 'serverSideApply', false);
    return this.send(m, {
      method: 'PATCH',
      path: this.objectPath(m, ref),
      query: {
        fieldManager: opts.fieldManager ?? this.ctx.fieldManager,
        force: opts.force ?? false,
        dryRun: opts.dryRun ? 'All' : undefined,
      },
      body: this.typed(m, obj),
      contentType: APPLY_PATCH,
      target: this.target(m, ref),
      operation: 'update',
    });
  }

  /**
   * The `scale` subresource (autoscaling/v1 `Scale`): desired and observed
   * replicas and the selector, for any kind that serves one.
   * `(namespace, name)` or, cluster-scoped, `(name)`.
   */
  async getScale(namespaceOrName: string | undefined, name?: string): Promise<Scale> {
    const m = await this.mapping();
    const ref = this.ref(m, namespaceOrName, name, 'getScale');
    return this.scaleRequest(m, ref, {
      method: 'GET',
      path: `${this.objectPath(m, ref)}/scale`,
      target: this.target(m, ref),
    });
  }

  /**
   * Sets the workload's replicas through the `scale` subresource (`PUT`):
   * only `spec.replicas` changes. With `metadata.resourceVersion` set it is
   * a compare-and-swap (`ConflictError` when the workload moved on).
   */
  async updateScale(scale: Scale, opts: WriteOptions = {}): Promise<Scale> {
    const m = await this.mapping();
    const meta: Record<string, unknown> = isJsonObject(scale) && isJsonObject(scale.metadata) ? scale.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    if (name === '') throw new BadRequestError('updateScale: metadata.name: Required value');
    const ref = m.namespaced ? { namespace: namespace ?? this.ctx.defaultNamespace, name } : { name };
    return this.scaleRequest(m, ref, {
      method: 'PUT',
      path: `${this.objectPath(m, ref)}/scale`,
      query: this.writeQuery(opts),
      body: { ...scale, apiVersion: 'autoscaling/v1', kind: 'Scale' },
      target: this.target(m, ref),
      operation: 'update',
    });
  }

  /** POST to a subresource of one object (`binding`, `eviction`, `token`); resolves with the answer's body. */
  async postSubresource(
    ref: ObjectRef,
    subresource: string,
    body: object,
    retryTooManyRequests = true,
  ): Promise<unknown> {
    const m = await this.mapping();
    const answer = await this.ctx.transport.request({
      method: 'POST',
      path: `${this.objectPath(m, ref)}/${subresource}`,
      body,
      target: this.target(m, ref),
      operation: 'update',
      retryTooManyRequests,
    });
    return answer.body;
  }

  private async put(obj: T, opts: WriteOptions, subresource: string): Promise<T> {
    const m = await this.mapping();
    const ref = this.objectRef(m, obj, subresource ? 'updateStatus' : 'update', false);
    return this.send(m, {
      method: 'PUT',
      path: `${this.objectPath(m, ref)}${subresource}`,
      query: this.writeQuery(opts),
      body: this.typed(m, obj),
      target: this.target(m, ref),
      operation: 'update',
    });
  }

  private async mergePatch(
    namespaceOrName: string | undefined,
    nameOrPatch: string | object,
    patch: object | undefined,
    subresource: string,
  ): Promise<T> {
    const m = await this.mapping();
    const named = typeof nameOrPatch === 'string';
    const method = subresource ? 'patchStatus' : 'patch';
    const ref = this.ref(m, namespaceOrName, named ? nameOrPatch : undefined, method);
    const body = named ? patch : nameOrPatch;
    if (!isJsonObject(body)) {
      throw new BadRequestError(`${method} needs a JSON merge patch object, e.g. { metadata: { labels: { a: 'b' } } }`);
    }
    return this.send(m, {
      method: 'PATCH',
      path: `${this.objectPath(m, ref)}${subresource}`,
      query: { fieldManager: this.ctx.fieldManager },
      body,
      contentType: MERGE_PATCH,
      target: this.target(m, ref),
      operation: 'update',
    });
  }

  private async send(m: RestMapping, spec: RequestSpec): Promise<T> {
    const { body } = await this.ctx.transport.request(spec);
    if (!isJsonObject(body)) throw new BadRequestError(`${spec.method} ${spec.path}: the answer is not a JSON object`);
    return withTypeMeta(body as T, m);
  }

  private async scaleRequest(m: RestMapping, ref: ObjectRef, spec: RequestSpec): Promise<Scale> {
    const { body } = await this.ctx.transport.request(spec);
    if (!isJsonObject(body) || body.kind !== 'Scale') {
      throw new BadRequestError(`${spec.method} ${spec.path}: the answer is not a Scale (${m.plural} ${ref.name})`);
    }
    return body as unknown as Scale;
  }

  private writeQuery(opts: WriteOptions): RequestSpec['query'] {
    return { fieldManager: opts.fieldManager ?? this.ctx.fieldManager, dryRun: opts.dryRun ? 'All' : undefined };
  }

  /** The object with this client's `apiVersion`/`kind` when it has none; another kind is refused here, as in-process. */
  private typed(m: RestMapping, obj: T): T {
    if (!isJsonObject(obj)) throw new BadRequestError(`${this.kind}: the object must be a JSON object`);
    if (obj.kind !== undefined && obj.kind !== this.kind) {
      throw new BadRequestError(`this client serves ${this.kind}, not ${obj.kind}: use api.resource('${obj.kind}')`);
    }
    return withTypeMeta(obj, m);
  }

  private objectRef(m: RestMapping, obj: T, method: string, allowGenerateName: boolean): ObjectRef {
    const meta: Record<string, unknown> = isJsonObject(obj) && isJsonObject(obj.metadata) ? obj.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    if (name === '' && !(allowGenerateName && typeof meta.generateName === 'string')) {
      throw new BadRequestError(`${method}: metadata.name: Required value`);
    }
    if (!m.namespaced) return { name };
    const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    return { namespace: namespace ?? this.ctx.defaultNamespace, name };
  }

  private ref(
    m: RestMapping,
    namespaceOrName: string | undefined,
    name: string | undefined,
    method: string,
  ): ObjectRef {
    return refFromArguments({ kind: this.kind, namespaced: m.namespaced }, namespaceOrName, name, method);
  }

  private objectPath(m: RestMapping, ref: ObjectRef): string {
    return `${collectionPath(m, ref.namespace)}/${encodeURIComponent(ref.name)}`;
  }

  private target(m: RestMapping, ref: ObjectRef): ErrorTarget {
    return { resource: m.group ? `${m.plural}.${m.group}` : m.plural, namespace: ref.namespace, name: ref.name };
  }
}
