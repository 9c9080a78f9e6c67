import { setMaxListeners } from 'node:events';
import { startControllerManager } from '@flotilla/controllers';
import {
  Api,
  type Clock,
  EventRecorder,
  type KubeObject,
  type Logger,
  Manager,
  MemoryStore,
  RealClock,
  silentLogger,
} from '@flotilla/core';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { Scheduler } from '@flotilla/scheduler';
import { filter, firstValueFrom } from 'rxjs';
import { websiteType } from './website.js';
import { registerWebsiteController } from './website-reconciler.js';

/** Options of `SandboxCluster.start`. */
export interface SandboxClusterOptions {
  clock?: Clock;
  logger?: Logger;
}

/** The one simulated node's name. */
export const SANDBOX_NODE = 'sandbox-node';

/**
 * The smallest cluster in which a Website really runs: the Api on a
 * MemoryStore with the Website kind registered, a Manager with the
 * controller-manager preset plus the Website controller, the scheduler, and
 * one node agent on a FakeRuntime, so the Deployment's pods are scheduled,
 * started and reported ready as in a real cluster.
 *
 * Guarantees: `start` resolves with caches synced and the node registered;
 * `stop` stops every component and closes the store.
 */
export class SandboxCluster {
  private readonly abort = new AbortController();
  private readonly running: Promise<unknown>[] = [];

  private constructor(
    readonly api: Api,
    readonly manager: Manager,
    private readonly store: MemoryStore,
  ) {}

  /** Builds and starts every component. */
  static async start(options: SandboxClusterOptions = {}): Promise<SandboxCluster> {
    const clock = options.clock ?? new RealClock();
    const logger = options.logger ?? silentLogger();
    // #region wiring
    const store = new MemoryStore();
    const api = new Api({ store, clock });
    api.registerResource(websiteType);
    const manager = new Manager({ api, clock, logger });
    startControllerManager(manager);
    registerWebsiteController(manager, new EventRecorder(api, { component: 'website-controller', clock, logger }));
    const cluster = new SandboxCluster(api, manager, store);
    const { signal } = cluster.abort;
    // Every informer, controller and pod worker listens on this one signal: more than Node's default of 10.
    setMaxListeners(0, signal);
    const agent = new NodeAgent({
      api,
      clock,
      logger,
      runtime: new FakeRuntime({ clock, podCIDR: '10.244.1.0/24' }),
      nodeName: SANDBOX_NODE,
      podCIDR: '10.244.1.0/24',
      hostIP: '127.0.0.1',
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    });
    // The node registers before the controllers start: the agent creates its Node and then writes
    // its status, and a node lifecycle controller tainting the new Node in between makes that write
    // conflict and end the agent.
    cluster.running.push(agent.run(signal));
    await firstValueFrom(
      api
        .resource('Node')
        .watch()
        .pipe(filter((e) => e.object.metadata.name === SANDBOX_NODE && e.object.status?.conditions !== undefined)),
    );
    await manager.start(signal);
    cluster.running.push(new Scheduler({ api, informers: manager.informers, clock, logger }).run(signal));
    // #endregion wiring
    return cluster;
  }

  /**
   * Resolves once `ready` holds for the cached objects of `kind`, checking
   * on every change; rejects after `timeoutMs` saying what it waited for.
   */
  until<T extends KubeObject = KubeObject>(
    kind: string,
    ready: (objects: readonly Readonly<T>[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<void> {
    const informer = this.manager.informers.for<T>(kind);
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready(informer.cache.list())) return;
        finish();
        resolve();
      };
      const timer = this.manager.clock.setTimeout(() => {
        finish();
        reject(
          new Error(
            `${kind} did not reach the awaited state within ${timeoutMs} ms; run with LOG_LEVEL=debug to see why`,
          ),
        );
      }, timeoutMs);
      const sub = informer.events$.subscribe(check);
      const finish = () => {
        timer.cancel();
        sub.unsubscribe();
      };
      check();
    });
  }

  /** Stops every component and closes the store. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.manager.stopped;
    await Promise.allSettled(this.running);
    this.api.close();
    await this.store.close();
  }
}
