import { defer, from, type Observable, switchMap } from 'rxjs';
import type { PodBindingTarget } from '../api/binding.js';
import type { ClusterApi } from '../api/cluster-api.js';
import type { EvictionOptions } from '../api/eviction.js';
import { refFromArguments } from '../api/ref-arguments.js';
import type {
  ClientListOptions,
  ClientWatchOptions,
  DeleteOptions,
  ResourceClient,
  WriteOptions,
} from '../api/types.js';
import type { Clock } from '../clock/clock.js';
import { ForbiddenError, isReason } from '../errors/api-errors.js';
import type { Pod } from '../model/core-v1.js';
import type { KubeList, KubeObject } from '../model/meta.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import type { ResourceType } from '../registry/resource-type.js';
import { serviceAccountGroups } from '../service-account-token/token-claims.js';
import type { TokenRequest, TokenRequester } from '../service-account-token/token-request.js';
import type { WatchEvent } from '../store/store.js';
import { forbiddenMessage } from './forbidden-message.js';
import { SERVICE_ACCOUNT_USER_PREFIX } from './rbac-authorizer.js';
import { runAsRequester } from './requester.js';
import type { AuthorizationAttributes, Authorizer, UserInfo } from './types.js';

/** Who an `api.as(...)` view acts for: a user name and its groups, as an authenticator would find them. */
export interface Identity {
  user: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

const AUTHENTICATED = 'system:authenticated';

/**
 * The `UserInfo` of an identity: every user but `system:anonymous` is also
 * in `system:authenticated`, and a ServiceAccount
 * (`system:serviceaccount:<ns>:<name>`) in `system:serviceaccounts` and
 * `system:serviceaccounts:<ns>`, as Kubernetes' authenticators add them.
 */
export function userInfoOf(identity: Identity): UserInfo {
  const groups = [...(identity.groups ?? [])];
  const add = (group: string) => {
    if (!groups.includes(group)) groups.push(group);
  };
  if (identity.user.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) {
    // A ServiceAccount's groups follow from its name, as its token's authenticator gives them.
    const namespace = identity.user.slice(SERVICE_ACCOUNT_USER_PREFIX.length).split(':')[0] ?? '';
    for (const group of serviceAccountGroups(namespace)) add(group);
  }
  if (identity.user !== 'system:anonymous') add(AUTHENTICATED);
  return {
    username: identity.user,
    groups,
    ...(identity.uid ? { uid: identity.uid } : {}),
    ...(identity.extra ? { extra: identity.extra } : {}),
  };
}

/** A request as RBAC sees it, for this view's user and one kind. */
type Ask = Pick<AuthorizationAttributes, 'verb'> & Partial<AuthorizationAttributes>;

/** Asks the authorizer and refuses with Kubernetes' Forbidden wording unless it allows. */
class Gate {
  constructor(
    private readonly authorizer: Authorizer,
    readonly user: UserInfo,
  ) {}

  async check(type: Pick<ResourceType, 'group' | 'version' | 'plural'>, ask: Ask): Promise<void> {
    const attributes: AuthorizationAttributes = {
      user: this.user,
      resourceRequest: true,
      apiGroup: type.group,
      apiVersion: type.version,
      resource: type.plural,
      subresource: '',
      namespace: '',
      name: '',
      path: '',
      ...ask,
    };
    const decision = await this.authorizer.authorize(attributes);
    if (decision.decision !== 'Allow') {
      throw new ForbiddenError(forbiddenMessage(attributes, decision.reason));
    }
  }

  /** Authorizes, then runs `work` as this user (so admission, e.g. RBAC escalation checks, knows who asked). */
  async run<R>(type: ResourceType, ask: Ask, work: () => Promise<R>): Promise<R> {
    await this.check(type, ask);
    return runAsRequester(this.user, work);
  }
}

/** A `ResourceClient` whose every call is first authorized for one user; see `Api.as`. */
class AuthorizedResourceClient<T extends KubeObject> implements ResourceClient<T> {
  readonly kind: string;
  constructor(
    private readonly inner: ResourceClient<T>,
    private readonly type: ResourceType,
    private readonly gate: Gate,
  ) {
    this.kind = inner.kind;
  }

  get(namespaceOrName: string | undefined, name?: string): Promise<T> {
    const ref = refFromArguments(this.type, namespaceOrName, name, 'get');
    return this.gate.run(this.type, { verb: 'get', namespace: ref.namespace ?? '', name: ref.name }, () =>
      this.inner.get(namespaceOrName, name),
    );
  }

  list(opts: ClientListOptions = {}): Promise<KubeList<T>> {
    return this.gate.run(this.type, this.collection('list', opts), () => this.inner.list(opts));
  }

  watch(opts: ClientWatchOptions = {}): Observable<WatchEvent<T>> {
    return defer(() => from(this.gate.check(this.type, this.collection('watch', opts)))).pipe(
      switchMap(() => this.inner.watch(opts)),
    );
  }

  create(obj: T, opts?: WriteOptions): Promise<T> {
    // A create is a POST to the collection: Kubernetes authorizes it without a name.
    return this.gate.run(this.type, { verb: 'create', namespace: this.namespaceOf(obj) }, () =>
      this.inner.create(obj, opts),
    );
  }

  update(obj: T, opts?: WriteOptions): Promise<T> {
    return this.gate.run(this.type, this.objectAsk('update', obj, ''), () => this.inner.update(obj, opts));
  }

  updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    return this.gate.run(this.type, this.objectAsk('update', obj, 'status'), () => this.inner.updateStatus(obj, opts));
  }

  patch(namespaceOrName: string | undefined, nameOrPatch: string | object, patch?: object): Promise<T> {
    return this.gate.run(this.type, this.refAsk('patch', namespaceOrName, nameOrPatch, ''), () =>
      this.inner.patch(namespaceOrName, nameOrPatch, patch),
    );
  }

  patchStatus(namespaceOrName: string | undefined, nameOrPatch: string | object, patch?: object): Promise<T> {
    return this.gate.run(this.type, this.refAsk('patch', namespaceOrName, nameOrPatch, 'status'), () =>
      this.inner.patchStatus(namespaceOrName, nameOrPatch, patch),
    );
  }

  delete(namespaceOrName: string | undefined, nameOrOpts?: string | DeleteOptions, opts?: DeleteOptions): Promise<T> {
    return this.gate.run(this.type, this.refAsk('delete', namespaceOrName, nameOrOpts, ''), () =>
      this.inner.delete(namespaceOrName, nameOrOpts, opts),
    );
  }

  private namespaceOf(obj: T): string {
    return this.type.namespaced ? (obj.metadata?.namespace ?? '') : '';
  }

  private objectAsk(verb: string, obj: T, subresource: string): Ask {
    return { verb, subresource, namespace: this.namespaceOf(obj), name: obj.metadata?.name ?? '' };
  }

  /** The `(namespace, name, ...)` / `(name, ...)` forms of patch and delete, read by the kind's scope. */
  private refAsk(verb: string, first: string | undefined, second: unknown, subresource: string): Ask {
    const ref = refFromArguments(this.type, first, typeof second === 'string' ? second : undefined, verb);
    return { verb, subresource, namespace: ref.namespace ?? '', name: ref.name };
  }

  private collection(verb: string, opts: ClientListOptions | ClientWatchOptions): Ask {
    return {
      verb,
      namespace: this.type.namespaced ? (opts.namespace ?? '') : '',
      ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
    };
  }
}

/** What a view wraps: a cluster that also answers the TokenRequest API (the `Api`, a `RemoteApi`). */
type TokenIssuingApi = ClusterApi & TokenRequester;

/**
 * A view of an Api acting for one user (`api.as({ user, groups })`): every
 * call is authorized by the Api's authorizer chain first, with the verbs
 * Kubernetes maps its requests to (get, list, watch, create, update,
 * patch, delete; `pods/status`, `pods/binding`, `pods/eviction` for the
 * subresources; `serviceaccounts/token` for `requestToken`), and refused
 * with `ForbiddenError` in kube-apiserver's wording. Writes run as the user, so RBAC's escalation check applies.
 */
export class AuthorizedApi implements ClusterApi, TokenRequester {
  private readonly gate: Gate;
  private readonly clients = new Map<string, ResourceClient>();

  constructor(
    private readonly api: TokenIssuingApi,
    authorizer: Authorizer,
    readonly user: UserInfo,
  ) {
    this.gate = new Gate(authorizer, user);
  }

  get clock(): Clock {
    return this.api.clock;
  }

  get registry(): ResourceRegistry {
    return this.api.registry;
  }

  resource<T extends KubeObject = KubeObject>(kind: string): ResourceClient<T> {
    let client = this.clients.get(kind);
    if (!client) {
      client = new AuthorizedResourceClient(this.api.resource(kind), this.api.registry.get(kind), this.gate);
      this.clients.set(kind, client);
    }
    return client as unknown as ResourceClient<T>;
  }

  /** Authorized as kubectl apply is: `get`, then `create` when absent or `update` when present. */
  async apply<T extends KubeObject>(obj: T): Promise<T> {
    await this.api.ready();
    const type = this.api.registry.forObject(obj);
    const namespace = type.namespaced ? (obj.metadata?.namespace ?? '') : '';
    const name = obj.metadata?.name ?? '';
    await this.gate.check(type, { verb: 'get', namespace, name });
    const exists = await this.api
      .resource(type.kind)
      .get(namespace || undefined, name)
      .then(
        () => true,
        (err: unknown) => {
          if (isReason(err, 'NotFound')) return false;
          throw err;
        },
      );
    const ask: Ask = exists ? { verb: 'update', namespace, name } : { verb: 'create', namespace };
    return this.gate.run(type, ask, () => this.api.apply(obj));
  }

  bindPod(target: PodBindingTarget, nodeName: string): Promise<Pod> {
    const ask = { verb: 'create', subresource: 'binding', namespace: target.namespace, name: target.name };
    return this.gate.run(this.api.registry.get('Pod'), ask, () => this.api.bindPod(target, nodeName));
  }

  evict(namespace: string, name: string, opts?: EvictionOptions): Promise<void> {
    const ask = { verb: 'create', subresource: 'eviction', namespace, name };
    return this.gate.run(this.api.registry.get('Pod'), ask, () => this.api.evict(namespace, name, opts));
  }

  /** A service account token (TokenRequest), authorized as `create` on `serviceaccounts/token` for that account. */
  requestToken(namespace: string, name: string, request: TokenRequest): Promise<TokenRequest> {
    const ask = { verb: 'create', subresource: 'token', namespace, name };
    return this.gate.run(this.api.registry.get('ServiceAccount'), ask, () =>
      this.api.requestToken(namespace, name, request),
    );
  }

  ready(): Promise<void> {
    return this.api.ready();
  }

  /** The view holds nothing of its own: closing it leaves the Api open. */
  async close(): Promise<void> {}
}
