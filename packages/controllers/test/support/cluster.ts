import {
  Api,
  type Event,
  EventRecorder,
  FakeClock,
  InformerFactory,
  type KubeObject,
  MemoryStore,
  type Pod,
  type ReconcileRequest,
  type Reconciler,
  silentLogger,
} from '@flotilla/core';
import type { ControllerContext } from '../../src/controller-context/controller-context.js';
import { PodRunner } from './pod-runner.js';

/**
 * A reconciler under test and what it reconciles each round: every object of
 * `kind`, or, for reconcilers not keyed by one kind (the garbage collector),
 * the requests `requests()` hands out.
 */
export interface DrivenController {
  kind?: string;
  requests?: () => ReconcileRequest[];
  reconciler: Reconciler;
  /** Forwarded pod informer events (expectations). */
  observePodEvent?(type: 'added' | 'updated' | 'deleted', pod: Readonly<Pod>, old?: Readonly<Pod>): unknown;
}

/**
 * An in-memory cluster for controller tests: MemoryStore + Api + informers on
 * a FakeClock, a PodRunner playing the node agent, and `settle()`, which
 * reconciles every object of every driven kind round after round until the
 * store stops changing. No Manager and no timers are involved, so tests are
 * deterministic.
 */
export class TestCluster {
  readonly clock = new FakeClock();
  readonly store = new MemoryStore();
  readonly api = new Api({ store: this.store, clock: this.clock });
  readonly informers = new InformerFactory(this.api, { clock: this.clock });
  readonly runner: PodRunner;
  readonly ctx: ControllerContext;
  private readonly abort = new AbortController();
  private readonly controllers: DrivenController[] = [];

  constructor(nodes: readonly string[] = ['node-1']) {
    this.runner = new PodRunner(this.api, nodes);
    this.ctx = {
      api: this.api,
      clock: this.clock,
      informers: this.informers,
      logger: silentLogger(),
      events: new EventRecorder(this.api, { component: 'test-controllers', clock: this.clock }),
    };
  }

  /** Starts informers for the driven kinds and waits for their first list. */
  async start(controllers: DrivenController[]): Promise<void> {
    this.controllers.push(...controllers);
    for (const c of controllers) if (c.kind) this.informers.for(c.kind);
    const pods = this.informers.for<Pod>('Pod');
    pods.events$.subscribe((e) => {
      for (const c of this.controllers) c.observePodEvent?.(e.type, e.object, e.oldObject);
    });
    this.informers.start(this.abort.signal);
    await this.informers.waitForSync();
  }

  /** The store's current revision. */
  async revision(): Promise<string> {
    return (await this.store.list('namespaces', { limit: 1 })).resourceVersion;
  }

  /**
   * Reconciles until quiet: rounds (see `round`) until one leaves the store
   * unchanged. Reconcile errors are collected, not thrown, as a work queue
   * would retry them.
   */
  async settle(opts: { runPods?: boolean } = {}): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (let i = 0; i < 200; i++) {
      const before = await this.revision();
      errors.push(...(await this.round(opts)));
      if ((await this.revision()) === before) return errors;
    }
    throw new Error('cluster did not settle; a controller keeps writing');
  }

  /**
   * One round: reconcile every object of every driven kind once, then let
   * the pod runner act (unless `runPods` is false). Returns reconcile errors.
   */
  async round(opts: { runPods?: boolean } = {}): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const c of this.controllers) {
      const requests =
        c.requests?.() ??
        (c.kind ? this.informers.for<KubeObject>(c.kind).cache.list() : []).map((obj) => ({
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
        }));
      for (const req of requests) {
        await c.reconciler
          .reconcile(req, { signal: this.abort.signal, logger: this.ctx.logger })
          .catch((err: unknown) => errors.push(err));
        await this.clock.flush();
      }
    }
    if (opts.runPods !== false) await this.runner.runAll();
    await this.clock.flush();
    return errors;
  }

  /** Active (not terminating) pods in the default namespace, from the store. */
  async pods(): Promise<Pod[]> {
    const { items } = await this.api.resource('Pod').list({ namespace: 'default' });
    return items.filter((p) => !p.metadata.deletionTimestamp);
  }

  /** `reason: message` of every Event recorded in the default namespace, in the order they were last written. */
  async events(): Promise<string[]> {
    const { items } = await this.api.resource<Event>('Event').list({ namespace: 'default' });
    return items
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((e) => `${e.reason}: ${e.message}`);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.api.close();
    await this.store.close();
  }
}
