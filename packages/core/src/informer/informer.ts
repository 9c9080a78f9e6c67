import { Observable, Subject, type Subscription } from 'rxjs';
import type { ResourceClient } from '../api/types.js';
import { type Clock, resolveClock, type TimerHandle } from '../clock/clock.js';
import { isReason } from '../errors/api-errors.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import { compileLabelSelector, type LabelMatcher } from '../model/labels.js';
import type { KubeObject } from '../model/meta.js';
import type { WatchEvent } from '../store/store.js';
import { type Backoff, jitteredBackoff } from './backoff.js';
import { Cache } from './cache.js';
import { deepFreeze } from './deep-freeze.js';
import { keyOf } from './object-key.js';
import type { InformerEvent, InformerOptions, ObjectCache, SharedInformer } from './types.js';

/** Where an informer lists and watches: anything that hands out a client per kind, such as the `Api`. */
export interface ResourceClientSource {
  /** The list and watch calls for `kind` (an `Api` is one; a wrapper can add a field selector). */
  resource(kind: string): Pick<ResourceClient, 'list' | 'watch'>;
  /** The source's clock (an `Api` has one): informers use it unless given their own. */
  readonly clock?: Clock;
}

/** Options of an `Informer`: what to follow, plus its time source, logger and retry policy. */
export interface InformerConfig<T extends KubeObject = KubeObject> extends InformerOptions<T> {
  clock?: Clock;
  logger?: Logger;
  /** Wait between failed attempts. Default: jittered exponential, 800 ms doubling to 30 s, from the clock. */
  backoff?: Backoff;
}

/** Why the watch loop stopped following. */
type WatchOutcome = 'dropped' | 'stopped';

/**
 * List + watch of one kind into a local cache, with an event stream
 * (client-go's reflector + shared informer).
 *
 * States: *listing* (list, then emit the difference against the cache),
 * *watching* (from the last revision seen), *backing off* after an error
 * (jittered exponential, on the Clock), and back to *watching* from the last
 * revision, or to *listing* when the store says the revision has expired.
 *
 * Guarantees:
 * - Events for one object are emitted in store order, each after the cache
 *   reflects it; a relist emits only the difference (adds, updates, deletes
 *   for objects that vanished), so consumers see one consistent stream.
 * - A subscriber to `events$` first receives an `added` event
 *   (`isInInitialList: true`) for every object already cached, then live
 *   events, with nothing missed in between (client-go's AddEventHandler).
 * - Objects are transformed (optional), then deeply frozen before caching:
 *   consumers share them and cannot change them.
 * - With a label selector, an object that stops matching is emitted as
 *   `deleted`, and one that starts matching as `added`.
 * - With `resyncPeriodMs`, every cached object is re-emitted as `updated`
 *   (object === oldObject) at that interval, for level-triggered consumers.
 *
 * Caveats:
 * - The cache is eventually consistent: it may lag the store.
 * - `synced` resolves once the first list is cached and the watch following
 *   it has been subscribed.
 * - Subscribers run synchronously in the watch path: hand lengthy work to a
 *   `WorkQueue`.
 * - An informer starts once; after `stop` make a new one.
 */
export class Informer<T extends KubeObject = KubeObject> implements SharedInformer<T> {
  readonly cache: ObjectCache<T>;
  readonly events$: Observable<InformerEvent<T>>;
  readonly synced: Promise<void>;
  private readonly store = new Cache<T>();
  private readonly subject = new Subject<InformerEvent<T>>();
  private readonly client: Pick<ResourceClient, 'list' | 'watch'>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly backoff: Backoff;
  private readonly matcher: LabelMatcher;
  private readonly abort = new AbortController();
  private markSynced!: () => void;
  private isSynced = false;
  private started = false;
  private lastRevision = '';
  private watchSubscription?: Subscription;
  private resyncTimer?: TimerHandle;

  constructor(
    source: ResourceClientSource,
    readonly kind: string,
    /** The options it was built with (the factory compares them when sharing). */
    readonly options: InformerConfig<T> = {},
  ) {
    this.client = source.resource(kind);
    this.clock = resolveClock(options.clock, source);
    this.logger = (options.logger ?? silentLogger()).child({ informer: kind, namespace: options.namespace });
    this.backoff = options.backoff ?? jitteredBackoff();
    this.matcher = compileLabelSelector(options.labelSelector);
    this.cache = this.store;
    this.synced = new Promise((resolve) => {
      this.markSynced = resolve;
    });
    this.events$ = new Observable<InformerEvent<T>>((subscriber) => {
      for (const object of this.store.list()) subscriber.next({ type: 'added', object, isInInitialList: true });
      return this.subject.subscribe(subscriber);
    });
  }

  hasSynced(): boolean {
    return this.isSynced;
  }

  lastSyncResourceVersion(): string {
    return this.lastRevision;
  }

  /** Starts listing and watching; `signal` (or `stop()`) ends it. Calling it again does nothing. */
  start(signal?: AbortSignal): void {
    if (this.started) return;
    this.started = true;
    signal?.addEventListener('abort', () => this.stop(), { once: true });
    if (signal?.aborted) this.stop();
    else void this.run();
  }

  /** Stops watching and completes `events$`. The cache keeps its last contents. */
  stop(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.watchSubscription?.unsubscribe();
    this.resyncTimer?.cancel();
    this.subject.complete();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        const outcome = await this.watch();
        if (outcome === 'stopped') return;
        this.logger.debug({ resourceVersion: this.lastRevision }, 'watch closed; resuming from the last revision');
      } catch (err) {
        if (this.stopped) return;
        if (isReason(err, 'Expired')) {
          this.logger.info({ err }, 'watch revision expired; listing again');
          needList = true;
          continue;
        }
        this.logger.warn({ err, resourceVersion: this.lastRevision }, 'list or watch failed; backing off');
      }
      await this.clock.sleep(this.backoff.next(), this.abort.signal).catch(() => undefined);
    }
  }

  /** Lists, applies the difference to the cache, and emits it. */
  private async relist(): Promise<void> {
    const { namespace, labelSelector } = this.options;
    const list = await this.client.list({ namespace, labelSelector });
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const raw of list.items) {
      const object = this.prepare(raw as T);
      const key = keyOf(object);
      seen.add(key);
      const old = this.store.getByKey(key);
      if (old?.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      this.store.put(object);
      this.emit(
        old
          ? { type: 'updated', object, oldObject: old, isInInitialList: true }
          : { type: 'added', object, isInInitialList: true },
      );
    }
    for (const key of [...this.store.keys()]) {
      if (seen.has(key)) continue;
      const old = this.store.remove(key)!;
      this.emit({ type: 'deleted', object: old, oldObject: old, isInInitialList: true });
    }
    this.lastRevision = list.resourceVersion;
    this.backoff.reset();
  }

  /**
   * Marks the informer synced once the first list is cached and the watch
   * that follows it is subscribed, so that a consumer woken by `synced` never
   * writes into the gap between the two.
   */
  private markSyncedOnce(): void {
    if (this.isSynced) return;
    this.isSynced = true;
    this.markSynced();
    this.scheduleResync();
  }

  /**
   * Follows the watch from the last revision until it closes, errors or the
   * informer stops. Label selection is applied here, not by the server, so
   * an object leaving the selection becomes a `deleted` event.
   */
  private watch(): Promise<WatchOutcome> {
    return new Promise((resolve, reject) => {
      if (this.stopped) return resolve('stopped');
      let received = false;
      const onAbort = () => resolve('stopped');
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
      const finish = () => {
        this.abort.signal.removeEventListener('abort', onAbort);
        if (received) this.backoff.reset();
      };
      // Without a transform the cache keeps what it receives, frozen: it may as well be the store's own object.
      const stream = this.client.watch({
        namespace: this.options.namespace,
        resourceVersion: this.lastRevision,
        shared: !this.options.transform,
      });
      this.watchSubscription = stream.subscribe({
        next: (event) => {
          received = true;
          this.apply(event as WatchEvent<T>);
        },
        error: (err: unknown) => {
          finish();
          reject(err);
        },
        complete: () => {
          finish();
          resolve('dropped');
        },
      });
      this.markSyncedOnce();
    });
  }

  private apply(event: WatchEvent<T>): void {
    const object = this.prepare(event.object);
    const key = keyOf(object);
    const old = this.store.getByKey(key);
    this.lastRevision = object.metadata.resourceVersion ?? this.lastRevision;
    if (event.type === 'DELETED' || !this.matcher.matches(object.metadata.labels)) {
      if (!old) return;
      this.store.remove(key);
      this.emit({
        type: 'deleted',
        object: event.type === 'DELETED' ? object : old,
        oldObject: old,
        isInInitialList: false,
      });
      return;
    }
    this.store.put(object);
    this.emit(
      old
        ? { type: 'updated', object, oldObject: old, isInInitialList: false }
        : { type: 'added', object, isInInitialList: false },
    );
  }

  private prepare(raw: T): Readonly<T> {
    return deepFreeze(this.options.transform ? this.options.transform(raw) : raw);
  }

  private emit(event: InformerEvent<T>): void {
    this.subject.next(event);
  }

  private scheduleResync(): void {
    const period = this.options.resyncPeriodMs;
    if (!period || this.stopped) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      for (const object of this.store.list())
        this.emit({ type: 'updated', object, oldObject: object, isInInitialList: false });
      this.scheduleResync();
    }, period);
  }
}
