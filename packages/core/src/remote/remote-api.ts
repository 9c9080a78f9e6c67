import type { PodBindingTarget } from '../api/binding.js';
import type { EvictionOptions } from '../api/eviction.js';
import type { ResourceClient } from '../api/types.js';
import { type Clock, RealClock } from '../clock/clock.js';
import { BadRequestError } from '../errors/api-errors.js';
import { type Backoff, jitteredBackoff } from '../informer/backoff.js';
import { isJsonObject } from '../json/json-object.js';
import type { Pod } from '../model/core-v1.js';
import type { BuiltinKind, BuiltinKinds } from '../model/kinds.js';
import type { KubeObject } from '../model/meta.js';
import { createBuiltinRegistry } from '../registry/builtins.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import type { TokenRequest } from '../service-account-token/token-request.js';
import { ExecCredentialSource } from './exec-credential.js';
import { DEFAULT_MAX_RETRIES, HttpTransport } from './http-transport.js';
import { type KubeconfigCredentials, type LoadKubeconfigOptions, loadKubeconfig } from './kubeconfig.js';
import { RemoteResourceClient } from './remote-resource-client.js';
import { RestMapper } from './rest-mapper.js';
import { DEFAULT_BURST, DEFAULT_QPS, TokenBucket } from './token-bucket.js';

/** Options of `new RemoteApi(...)`; explicit fields win over the kubeconfig's. */
export interface RemoteApiOptions {
  /**
   * Where to read the server and credentials from when `server` is not
   * given: a kubeconfig path, or `loadKubeconfig`'s options. Default:
   * `$KUBECONFIG`, else `~/.kube/config`, at its current context.
   */
  kubeconfig?: string | LoadKubeconfigOptions;
  /** The server's URL (`https://10.0.0.1:6443`); given, no kubeconfig is read. */
  server?: string;
  /** Bearer token. */
  token?: string;
  /** PEM CA the server's certificate must chain to. */
  ca?: string;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
  /** Accept any server certificate (tests only). */
  insecureSkipTlsVerify?: boolean;
  /** Namespace for objects written without one. Default: the context's, else `default`. */
  namespace?: string;
  /** Timers (rate limit, backoff, timeouts) and what informers and the Manager default to. Default: the wall clock. */
  clock?: Clock;
  /** Steady requests per second. Default 5 (client-go's `DefaultQPS`); `Infinity`: no limit. */
  qps?: number;
  /** Requests allowed at once above the steady rate. Default 10 (client-go's `DefaultBurst`). */
  burst?: number;
  /** Time for an answer (for a watch, its headers). Default 60 s (kube-apiserver's own request timeout). */
  requestTimeoutMs?: number;
  /** Retries of one request (Retry-After, connection refused, lost reads). Default 10, client-go's. */
  maxRetries?: number;
  /** Waits between retries and watch reconnects. Default: jittered, 800 ms doubling to 30 s (client-go's reflector). */
  backoff?: () => Backoff;
  /** `timeoutSeconds` of each watch request. Default: 5 to 10 minutes at random, as client-go's reflector. */
  watchTimeoutSeconds?: number;
  /** The `fieldManager` of writes. Default `flotilla`. */
  fieldManager?: string;
}

/** client-go's reflector: watches last between `minWatchTimeout` (5 min) and twice that. */
const MIN_WATCH_TIMEOUT_SECONDS = 300;

/** What `ready()` registers for a kind found only in discovery. */
function registerDiscovered(registry: ResourceRegistry, mappings: Awaited<ReturnType<RestMapper['all']>>): void {
  for (const m of mappings) {
    if (!registry.find(m.kind)) registry.register({ ...m });
  }
}

function credentialsOf(options: RemoteApiOptions): KubeconfigCredentials {
  if (options.server !== undefined) return { server: options.server };
  const source = options.kubeconfig;
  return loadKubeconfig(typeof source === 'string' ? { paths: [source] } : source);
}

/**
 * The `Api` of a remote cluster: Kubernetes' REST protocol behind the same
 * `resource(kind)` clients, `apply`, `bindPod`, `evict`, `registry` and
 * `clock` as the in-process `Api`, so informers, the Manager, controllers
 * and leader election run on it unchanged. Talks to Flotilla's apiserver
 * or to any Kubernetes API server.
 *
 * Guarantees:
 * - Failures are core's typed errors, built from the server's `Status`
 *   (`isReason(err, 'NotFound')` holds as in-process).
 * - No request is sent twice unless it is safe: a write whose outcome is
 *   unknown (connection lost after sending, no answer in time, 504) ends in
 *   `UnknownOutcomeError`; reads and refused connections are retried, and
 *   429/5xx answers carrying `Retry-After` are retried after that wait.
 * - Requests are rate limited on the clock (client-go's token bucket, QPS 5,
 *   burst 10 by default).
 * - Watches resume from the last revision seen across `timeoutSeconds`
 *   rotations and lost connections; a 410 ends them with `ExpiredError`.
 *
 * Caveats:
 * - `registry` holds the built-in kinds; custom kinds join it when `ready()`
 *   reads discovery (call it before `registry.get` of a custom kind).
 *   `resource(kind)` itself finds any served kind, refreshing discovery
 *   on a miss.
 * - `apply` is server-side apply with `force` (the manifest wins), not the
 *   in-process Api's whole-object replace: fields other managers set stay.
 * - Exec credential plugins run non-interactively.
 */
export class RemoteApi {
  readonly clock: Clock;
  readonly registry: ResourceRegistry;
  /** The namespace objects without one are written to. */
  readonly namespace: string;
  private readonly transport: HttpTransport;
  private readonly mapper: RestMapper;
  private readonly clients = new Map<string, RemoteResourceClient>();
  private readonly fieldManager: string;
  private readonly watchTimeoutSeconds: () => number;
  private readonly backoff: () => Backoff;

  constructor(options: RemoteApiOptions = {}) {
    const creds = credentialsOf(options);
    this.clock = options.clock ?? new RealClock();
    this.registry = createBuiltinRegistry();
    this.namespace = options.namespace ?? creds.namespace ?? 'default';
    this.fieldManager = options.fieldManager ?? 'flotilla';
    this.backoff = options.backoff ?? (() => jitteredBackoff());
    const fixed = options.watchTimeoutSeconds;
    if (fixed !== undefined && !(Number.isInteger(fixed) && fixed > 0)) {
      throw new BadRequestError(`watchTimeoutSeconds: Invalid value: ${fixed}: must be a whole number above 0`);
    }
    this.watchTimeoutSeconds = () => fixed ?? Math.floor(MIN_WATCH_TIMEOUT_SECONDS * (1 + Math.random()));
    this.transport = new HttpTransport({
      server: creds.server,
      ca: options.ca ?? creds.ca,
      cert: options.cert ?? creds.cert,
      key: options.key ?? creds.key,
      token: options.token ?? creds.token,
      insecureSkipTlsVerify: options.insecureSkipTlsVerify ?? creds.insecureSkipTlsVerify,
      tlsServerName: creds.tlsServerName,
      exec: creds.exec && !options.token ? new ExecCredentialSource(creds.exec, this.clock) : undefined,
      clock: this.clock,
      limiter: new TokenBucket(this.clock, options.qps ?? DEFAULT_QPS, options.burst ?? DEFAULT_BURST),
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
      backoff: this.backoff,
    });
    this.mapper = new RestMapper(this.transport);
  }

  /** Reads discovery and registers the custom kinds it serves in `registry`. */
  async ready(): Promise<void> {
    await this.mapper.refresh();
    registerDiscovered(this.registry, await this.mapper.all());
  }

  /** The client for a built-in kind, typed: `api.resource('Pod')` is a `ResourceClient<Pod>`. */
  resource<K extends BuiltinKind>(kind: K): RemoteResourceClient<BuiltinKinds[K]>;
  /** The client for any kind the server serves: `api.resource<Website>('Website')`. */
  resource<T extends KubeObject = KubeObject>(kind: string): RemoteResourceClient<T>;
  resource(kind: string): ResourceClient {
    return this.client(kind);
  }

  /**
   * Creates `obj` or makes the stored object match it: server-side apply
   * with this Api's field manager and `force`, as `kubectl apply
   * --server-side --force-conflicts`.
   */
  async apply<T extends KubeObject>(obj: T): Promise<T> {
    const typed = obj as unknown;
    if (!isJsonObject(typed) || typeof typed.kind !== 'string' || typeof typed.apiVersion !== 'string') {
      throw new BadRequestError('apply needs an object with apiVersion and kind strings');
    }
    return (this.client(typed.kind) as RemoteResourceClient<T>).serverSideApply(obj, { force: true });
  }

  /**
   * Binds a pod to a node through `pods/binding` (once, atomically, on the
   * server; `target.uid` is the binding's precondition), then reads the
   * bound pod back.
   */
  async bindPod(target: PodBindingTarget, nodeName: string): Promise<Pod> {
    const pods = this.client('Pod') as RemoteResourceClient<Pod>;
    await pods.postSubresource(target, 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: target.name, namespace: target.namespace, ...(target.uid ? { uid: target.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    });
    return pods.get(target.namespace, target.name);
  }

  /**
   * Evicts a pod through `pods/eviction`: the server deletes it if its
   * PodDisruptionBudget allows, else answers 429, reported at once as
   * `TooManyRequestsError` (not retried: the caller decides when to try again).
   */
  async evict(namespace: string, name: string, opts: EvictionOptions = {}): Promise<void> {
    const pods = this.client('Pod');
    const body = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace },
      ...(Object.keys(opts).length > 0 ? { deleteOptions: { apiVersion: 'v1', kind: 'DeleteOptions', ...opts } } : {}),
    };
    await pods.postSubresource({ namespace, name }, 'eviction', body, false);
  }

  /** Requests a token for service account `namespace/name` through `serviceaccounts/<name>/token`. */
  async requestToken(namespace: string, name: string, request: TokenRequest): Promise<TokenRequest> {
    const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', ...request };
    return (await this.client('ServiceAccount').postSubresource(
      { namespace, name },
      'token',
      body,
      false,
    )) as TokenRequest;
  }

  /** Closes idle connections. Open watches end when their subscribers unsubscribe. */
  async close(): Promise<void> {
    this.transport.close();
  }

  private client(kind: string): RemoteResourceClient {
    let client = this.clients.get(kind);
    if (!client) {
      client = new RemoteResourceClient(
        {
          transport: this.transport,
          mapping: (k) => this.mapper.mapping(k),
          defaultNamespace: this.namespace,
          fieldManager: this.fieldManager,
          clock: this.clock,
          backoff: this.backoff,
          timeoutSeconds: this.watchTimeoutSeconds,
          stallGraceMs: 30_000,
        },
        kind,
      );
      this.clients.set(kind, client);
    }
    return client;
  }
}
