import { type Clock, resolveClock } from '../clock/clock.js';
import { BadRequestError } from '../errors/api-errors.js';
import type { Logger } from '../logging/logger.js';
import type { KubeObject } from '../model/meta.js';
import { Informer, type ResourceClientSource } from './informer.js';
import type { InformerOptions } from './types.js';

/** Options of an `InformerFactory`, passed to every informer it makes. */
export interface InformerFactoryOptions {
  /** Default: the source's clock (an `Api`'s), else the wall clock. */
  clock?: Clock;
  logger?: Logger;
}

/**
 * Hands out one shared informer per (kind, namespace, label selector) in a
 * process, so that every controller, scheduler and proxy that follows Pods
 * pays for one list, one watch and one cache (client-go's
 * `SharedInformerFactory`).
 *
 * Guarantees: `for` returns the same informer for the same (kind, namespace,
 * selector); informers asked for after `start` are started at once.
 *
 * Caveats: `transform` and `resyncPeriodMs` belong to the shared informer,
 * so the first caller sets them; a later call asking for a different
 * transform or resync period is refused with BadRequestError rather than
 * silently ignored.
 */
export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private signal?: AbortSignal;
  /** The clock every informer of this factory runs on; components built on the factory default to it. */
  readonly clock: Clock;

  constructor(
    private readonly source: ResourceClientSource,
    private readonly options: InformerFactoryOptions = {},
  ) {
    this.clock = resolveClock(options.clock, source);
  }

  /** The shared informer for `kind` (optionally restricted to a namespace and label selector). */
  for<T extends KubeObject = KubeObject>(kind: string, opts: InformerOptions<T> = {}): Informer<T> {
    const id = JSON.stringify([kind, opts.namespace ?? '', opts.labelSelector ?? '']);
    const existing = this.informers.get(id) as Informer<T> | undefined;
    if (existing) {
      const shared = existing.options;
      if (
        (opts.transform && opts.transform !== shared.transform) ||
        (opts.resyncPeriodMs ?? shared.resyncPeriodMs) !== shared.resyncPeriodMs
      )
        throw new BadRequestError(
          `the shared ${kind} informer already exists with another transform or resync period; ask for it with the same options, or build a private Informer`,
        );
      return existing;
    }
    const informer = new Informer<T>(this.source, kind, {
      ...opts,
      clock: this.clock,
      logger: this.options.logger,
    });
    this.informers.set(id, informer as unknown as Informer);
    if (this.signal) this.launch(informer as unknown as Informer);
    return informer;
  }

  /**
   * Starts every informer made so far, and any made later, until `signal`
   * aborts. The factory listens on `signal` once and stops its informers
   * itself: a process follows dozens of kinds (the garbage collector watches
   * every one), and a listener per informer would pass Node's limit of 10
   * per signal and warn of a leak that is not one.
   *
   * Starting a factory that already runs changes nothing: the first
   * signal governs. Components that share a Manager's factory start it
   * "if not yet started" (the Scheduler does, for one leadership term), and
   * the end of such a shorter life must not stop everyone's informers.
   */
  start(signal: AbortSignal): void {
    if (this.signal && !this.signal.aborted) return;
    this.signal = signal;
    signal.addEventListener('abort', () => this.stop(), { once: true });
    for (const informer of this.informers.values()) this.launch(informer);
  }

  /** Stops every informer (their caches keep their last contents). */
  private stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }

  private launch(informer: Informer): void {
    if (this.signal?.aborted) informer.stop();
    else informer.start();
  }

  /** Resolves once every informer made so far has its initial list in its cache. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.synced));
  }
}
