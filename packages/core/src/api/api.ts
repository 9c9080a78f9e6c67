import { authorizationAdmission } from '../authz/authorization-admission.js';
import { AuthorizedApi, type Identity, userInfoOf } from '../authz/authorized-api.js';
import { alwaysAllowAuthorizer } from '../authz/decisions.js';
import type { Authorizer } from '../authz/types.js';
import { type Clock, RealClock } from '../clock/clock.js';
import { BadRequestError } from '../errors/api-errors.js';
import { DEFAULT_MAX_INPUT_ENTRIES } from '../json/json-limits.js';
import { isJsonObject } from '../json/json-object.js';
import type { Pod } from '../model/core-v1.js';
import type { BuiltinKind, BuiltinKinds } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import type { PodDisruptionBudget } from '../model/policy-v1.js';
import { createBuiltinRegistry } from '../registry/builtins.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import type { ResourceType } from '../registry/resource-type.js';
import type { ServiceAccountTokenIssuer } from '../service-account-token/token-issuer.js';
import type { TokenRequest } from '../service-account-token/token-request.js';
import type { Store } from '../store/store.js';
import { AdmissionChain } from './admission.js';
import { bindPod, type PodBindingTarget } from './binding.js';
import { CustomResourceDefinitionClient, CustomResourceLifecycle } from './custom-resource-definitions.js';
import { type EvictionOptions, evictPod } from './eviction.js';
import type { DefaultFieldManager, FieldManager } from './field-manager.js';
import { NamespaceLifecycle } from './namespace-lifecycle.js';
import { priorityAdmission } from './priority-admission.js';
import { type ApiContext, ApiResourceClient, TimestampSource } from './resource-client.js';
import type { AdmissionHook, ResourceClient, WriteOptions } from './types.js';

/** etcd's request size limit, which Kubernetes inherits: 1.5 MiB. */
export const DEFAULT_MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** Options for `new Api(...)`. */
export interface ApiOptions {
  store: Store;
  /** Where timestamps come from. Default: the wall clock. */
  clock?: Clock;
  /** The kinds served. Default: the built-in kinds. */
  registry?: ResourceRegistry;
  /** Admission hooks, run in this order within their phase. More can be added with `addAdmissionHook`. */
  admission?: AdmissionHook[];
  /** Largest serialized object accepted. Default 1.5 MiB (etcd's limit). */
  maxObjectBytes?: number;
  /**
   * Most entries (object members and list items, at any depth, counted
   * together) one write's input (object or patch) may hold; a bigger one is
   * refused with an `InvalidError` naming the object or list where the count
   * passed it, before anything else reads it. Entries under
   * `metadata.managedFields` count against their own budget, twice this.
   * Default `DEFAULT_MAX_INPUT_ENTRIES` (16,000; members of an object past its 16th count 4). A Flotilla protection
   * Kubernetes does not have: one write must not hold the event loop every
   * request shares (see `DEFAULT_MAX_INPUT_ENTRIES`).
   */
  maxInputEntries?: number;
  /**
   * The authorization chain `api.as(identity)` checks every call against
   * (e.g. `new AuthorizerChain([nodeAuthorizer, rbac])`). Default: allow
   * everything. When it resolves rules (RBAC), writes of roles and bindings
   * made through `as` are also checked for escalation.
   */
  authorizer?: Authorizer;
  /**
   * Signs service account tokens for `requestToken` (the TokenRequest API).
   * Default: none, and `requestToken` is refused.
   */
  serviceAccountTokens?: ServiceAccountTokenIssuer;
}

/**
 * The in-process API server: the one gateway for every write. Hands out a
 * typed `ResourceClient` per kind; see `ApiResourceClient` for the write
 * pipeline and its guarantees.
 *
 * Guarantees:
 * - The namespaces `default`, `kube-system`, `kube-public` and
 *   `kube-node-lease` exist before the first operation of any client
 *   completes (created on first use if the store lacks them).
 * - Objects are created only in namespaces that exist and are not
 *   terminating.
 *
 * Caveats:
 * - The Api watches namespaces from its first operation on; call `close()`
 *   to stop (it does not close the store, which the caller owns).
 */
export class Api {
  readonly store: Store;
  readonly clock: Clock;
  readonly registry: ResourceRegistry;
  /** The chain `as(identity)` authorizes with. */
  readonly authorizer: Authorizer;
  /** What signs and verifies service account tokens, if this Api issues them. */
  readonly serviceAccountTokens: ServiceAccountTokenIssuer | undefined;
  private readonly admission: AdmissionChain;
  /** Authorizers whose admission is already in the chain (see `addAuthorizationAdmission`). */
  private readonly admittedAuthorizers = new WeakSet<Authorizer>();
  private readonly namespaces: NamespaceLifecycle;
  private readonly clients = new Map<string, ApiResourceClient>();
  private readonly context: ApiContext;
  private readonly customResources: CustomResourceLifecycle;

  constructor(options: ApiOptions) {
    this.serviceAccountTokens = options.serviceAccountTokens;
    this.store = options.store;
    this.clock = options.clock ?? new RealClock();
    this.registry = options.registry ?? createBuiltinRegistry();
    // Kubernetes' Priority admission is always on; the caller's hooks follow it.
    this.admission = new AdmissionChain();
    for (const hook of priorityAdmission(() => this.resource('PriorityClass'))) this.admission.addBuiltin(hook);
    for (const hook of options.admission ?? []) this.admission.add(hook);
    this.authorizer = options.authorizer ?? alwaysAllowAuthorizer;
    this.addAuthorizationAdmission(this.authorizer);
    const maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    this.namespaces = new NamespaceLifecycle(this.store, (ns) => this.client('Namespace').insert(ns, false));
    this.context = {
      store: this.store,
      clock: this.clock,
      admission: this.admission,
      namespaces: this.namespaces,
      maxObjectBytes,
      inputLimits: {
        maxBytes: 2 * maxObjectBytes,
        maxEntries: options.maxInputEntries ?? DEFAULT_MAX_INPUT_ENTRIES,
      },
      timestamps: new TimestampSource(this.clock),
    };
    this.customResources = new CustomResourceLifecycle(this.registry, this.store, {
      client: (kind) => this.client(kind),
      forgetClient: (kind) => this.clients.delete(kind),
    });
  }

  /**
   * Resolves once the CustomResourceDefinitions already in the store are
   * served (and later ones, written by other Apis over the same store, are
   * followed). `apply` waits for it; call it before `resource(kind)` for a
   * custom kind defined before this Api started.
   */
  ready(): Promise<void> {
    return this.customResources.ready();
  }

  /** The client for a built-in kind, typed: `api.resource('Pod')` is a `ResourceClient<Pod>`. */
  resource<K extends BuiltinKind>(kind: K): ResourceClient<BuiltinKinds[K]>;
  /** The client for any registered kind: `api.resource<Website>('Website')`. Unknown kinds: `BadRequestError`. */
  resource<T extends KubeObject = KubeObject>(kind: string): ResourceClient<T>;
  resource(kind: string): ResourceClient {
    return this.client(kind);
  }

  /**
   * A view of this Api acting for `identity`: every call is first
   * authorized by the Api's `authorizer` and refused with `ForbiddenError`
   * in kube-apiserver's wording (see `AuthorizedApi`). It takes what this
   * Api takes (the Manager, informers, the scheduler), so a component can
   * run with least privilege. The identity joins `system:authenticated`.
   */
  as(identity: Identity): AuthorizedApi {
    return new AuthorizedApi(this, this.authorizer, userInfoOf(identity));
  }

  /** Registers a custom kind; its client, store keys, watch and admission then work as for a built-in kind. */
  registerResource<T extends KubeObject>(type: ResourceType<T>): ResourceType<T> {
    return this.registry.register(type);
  }

  /** Adds an admission hook after those already registered in its phase. */
  addAdmissionHook(hook: AdmissionHook): void {
    this.admission.add(hook);
  }

  /**
   * Keeps managedFields from now on (see `FieldManager`): every create and
   * update naming a `fieldManager` is recorded with `fieldManager`, and with
   * a `defaultManager`, every other write too, under the name it gives (see
   * `DefaultFieldManager`). An ApiServer sets its own recorder; a later call
   * replaces the recorder, and the default manager only when it gives one,
   * so a server started over an Api keeps the default its owner chose.
   */
  setFieldManager(fieldManager: FieldManager, defaultManager?: DefaultFieldManager): void {
    this.context.fieldManager = fieldManager;
    if (defaultManager !== undefined) this.context.defaultFieldManager = defaultManager;
  }

  /**
   * Adds the admission `authorizer` needs to hold what it promises for writes
   * made on behalf of a requester (see `authorizationAdmission`), once: a
   * second call with the same authorizer, e.g. from a second ApiServer over
   * this Api, adds nothing, so no check runs twice per write.
   */
  addAuthorizationAdmission(authorizer: Authorizer): void {
    if (this.admittedAuthorizers.has(authorizer)) return;
    this.admittedAuthorizers.add(authorizer);
    for (const hook of authorizationAdmission(authorizer)) this.admission.addBuiltin(hook);
  }

  /**
   * Creates `obj`, or updates the stored object of the same kind and name to
   * match it (as `kubectl apply` does for a manifest): the update is made at
   * the stored resourceVersion, and a manifest without `status` keeps the
   * stored status.
   */
  async apply<T extends KubeObject>(obj: T): Promise<T> {
    const typed = obj as unknown;
    if (!isJsonObject(typed) || typeof typed.kind !== 'string' || typeof typed.apiVersion !== 'string') {
      throw new BadRequestError('apply needs an object with apiVersion and kind strings');
    }
    await this.customResources.ready();
    const client = this.client(this.registry.forObject(obj).kind) as ApiResourceClient<T>;
    return client.apply(obj);
  }

  /** Binds a pod to a node once, atomically, for `opts.requester` if given (see `WriteOptions`); see `bindPod`. */
  async bindPod(target: PodBindingTarget, nodeName: string, opts: Pick<WriteOptions, 'requester'> = {}): Promise<Pod> {
    return bindPod(this.client('Pod') as ApiResourceClient<Pod>, target, nodeName, this.clock.now(), opts.requester);
  }

  /**
   * Evicts a pod through its PodDisruptionBudget, as `pods/eviction` does
   * (see `evictPod`): deletes it only if its budget allows one more
   * disruption, else throws `TooManyRequestsError` (429) naming the budget.
   */
  async evict(namespace: string, name: string, opts: EvictionOptions = {}): Promise<void> {
    const clients = {
      pods: this.client('Pod') as ApiResourceClient<Pod>,
      budgets: this.client('PodDisruptionBudget') as ApiResourceClient<PodDisruptionBudget>,
    };
    await evictPod(clients, () => this.clock.now(), namespace, name, opts);
  }

  /**
   * Issues a token for service account `namespace/name`, as `POST
   * serviceaccounts/<name>/token` does; see `ServiceAccountTokenIssuer.issue`.
   *
   * @throws BadRequestError when the Api has no `serviceAccountTokens` issuer.
   */
  async requestToken(namespace: string, name: string, request: TokenRequest): Promise<TokenRequest> {
    const issuer = this.serviceAccountTokens;
    if (!issuer) throw new BadRequestError('this Api issues no service account tokens: give it serviceAccountTokens');
    return issuer.issue(this, namespace, name, request);
  }

  /** Stops the namespace watch. The store stays open. */
  async close(): Promise<void> {
    this.namespaces.close();
    this.customResources.close();
  }

  private client(kind: string): ApiResourceClient {
    let client = this.clients.get(kind);
    if (!client) {
      const type = this.registry.get(kind);
      client =
        kind === 'CustomResourceDefinition'
          ? new CustomResourceDefinitionClient(this.context, type, this.customResources)
          : new ApiResourceClient(this.context, type);
      this.clients.set(kind, client);
    }
    return client;
  }
}
