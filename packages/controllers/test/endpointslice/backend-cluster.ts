import {
  Api,
  type ContainerPort,
  FakeClock,
  InformerFactory,
  MemoryStore,
  type Pod,
  type Reconciler,
  type Service,
  silentLogger,
  toTimestamp,
} from '@flotilla/core';
import type { ControllerContext } from '../../src/controller-context/controller-context.js';

/** How a test pod looks to the controllers. */
export interface TestPodOptions {
  ip?: string;
  ready?: boolean;
  node?: string;
  ports?: ContainerPort[];
  labels?: Record<string, string>;
}

/**
 * Store, Api, informers and a controller context on a FakeClock, for the
 * Endpoints and EndpointSlice reconcilers: tests create pods with the status
 * a node agent would post (IP, readiness) and call `sync` to reconcile one
 * service once the caches have caught up.
 */
export class BackendCluster {
  readonly clock = new FakeClock();
  readonly store = new MemoryStore();
  readonly api = new Api({ store: this.store, clock: this.clock });
  readonly informers = new InformerFactory(this.api, { clock: this.clock });
  readonly ctx: ControllerContext = {
    api: this.api,
    clock: this.clock,
    informers: this.informers,
    logger: silentLogger(),
  };
  private readonly abort = new AbortController();

  async start(): Promise<void> {
    for (const kind of ['Service', 'Pod', 'Node', 'Endpoints', 'EndpointSlice']) this.informers.for(kind);
    this.informers.start(this.abort.signal);
    await this.informers.waitForSync();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.api.close();
    await this.store.close();
  }

  /** Reconciles `default/<name>` after letting the informers catch up, and again after its own writes land. */
  async sync(reconciler: Reconciler, name: string, namespace = 'default'): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.clock.flush();
      await reconciler.reconcile({ namespace, name }, { signal: this.abort.signal, logger: silentLogger() });
    }
    await this.clock.flush();
  }

  /** One reconcile of `default/<name>`, without waiting for the caches; returns what the reconciler returned. */
  reconcileOnce(reconciler: Reconciler, name: string): ReturnType<Reconciler['reconcile']> {
    return reconciler.reconcile({ namespace: 'default', name }, { signal: this.abort.signal, logger: silentLogger() });
  }

  async service(name: string, spec: Partial<Service['spec']> = {}): Promise<Service> {
    return this.api.resource('Service').create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default', labels: { team: 'a' } },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec },
    });
  }

  async pod(name: string, opts: TestPodOptions = {}): Promise<Pod> {
    const now = toTimestamp(this.clock.now());
    return this.api.resource('Pod').create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: opts.labels ?? { app: 'web' } },
      spec: { nodeName: opts.node, containers: [{ name: 'c', image: 'x', ports: opts.ports }] },
      status: {
        phase: 'Running',
        podIP: opts.ip,
        conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: now }],
      },
    });
  }

  async setReady(name: string, ready: boolean): Promise<void> {
    await this.api.resource('Pod').patchStatus('default', name, {
      status: {
        conditions: [
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: toTimestamp(this.clock.now()) },
        ],
      },
    });
  }
}
