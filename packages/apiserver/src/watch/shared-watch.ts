import type { ClientWatchOptions, KubeObject, WatchEvent } from '@flotilla/core';
import { Observable, type Subscriber, type Subscription } from 'rxjs';

/** What a shared watch needs of a resource client: its `watch`. */
export interface WatchSource {
  watch(opts: ClientWatchOptions): Observable<WatchEvent<KubeObject>>;
}

/** Changes a shared watch keeps for watchers that join from a revision it has already passed. */
const RECENT_EVENTS_KEPT = 1024;

/**
 * One store watch serving every HTTP watcher of the same scope (namespace
 * and selectors): the store copies each change once for it (or, asked
 * `shared`, hands over its own frozen object) instead of once per watcher,
 * and the watchers get the same event object (they only read it). It keeps the newest changes, so a watcher that starts from a
 * revision it has already passed gets those first, then the live ones; a
 * watcher from an older revision than it holds watches on its own.
 */
class SharedWatch {
  private readonly watchers = new Set<Subscriber<WatchEvent>>();
  private readonly recent: WatchEvent[] = [];
  /** Every change after this revision is in `recent`. */
  private since: number;
  private readonly upstream: Subscription;

  constructor(
    source: WatchSource,
    opts: ClientWatchOptions,
    from: number,
    private readonly onIdle: () => void,
  ) {
    this.since = from;
    this.upstream = source.watch({ ...opts, resourceVersion: String(from) }).subscribe({
      next: (event) => this.publish(event),
      error: (err: unknown) => this.finish((w) => w.error(err)),
      complete: () => this.finish((w) => w.complete()),
    });
  }

  /** Attaches a watcher for the changes after `from`; `false` when they are older than what this watch holds. */
  attach(watcher: Subscriber<WatchEvent>, from: number): boolean {
    if (from < this.since || this.upstream.closed) return false;
    for (const event of this.recent) if (revisionOf(event) > from) watcher.next(event);
    this.watchers.add(watcher);
    watcher.add(() => this.detach(watcher));
    return true;
  }

  private detach(watcher: Subscriber<WatchEvent>): void {
    this.watchers.delete(watcher);
    if (this.watchers.size > 0) return;
    this.upstream.unsubscribe();
    this.onIdle();
  }

  private publish(event: WatchEvent): void {
    this.recent.push(event);
    if (this.recent.length > RECENT_EVENTS_KEPT) this.since = revisionOf(this.recent.shift()!);
    for (const watcher of this.watchers) watcher.next(event);
  }

  private finish(end: (watcher: Subscriber<WatchEvent>) => void): void {
    this.onIdle();
    for (const watcher of [...this.watchers]) end(watcher);
    this.watchers.clear();
  }
}

const revisionOf = (event: WatchEvent) => Number(event.object.metadata.resourceVersion);
const NUMERIC_REVISION = /^\d{1,15}$/;

const sharedBySource = new WeakMap<WatchSource, Map<string, SharedWatch>>();

/**
 * `source.watch(opts)`, served from one store watch shared by every caller
 * with the same namespace and selectors. Revisions that are not plain
 * numbers (another store's) are watched on their own.
 */
export function sharedWatch(source: WatchSource, opts: ClientWatchOptions): Observable<WatchEvent> {
  const { resourceVersion } = opts;
  if (resourceVersion === undefined || !NUMERIC_REVISION.test(resourceVersion)) return source.watch(opts);
  const from = Number(resourceVersion);
  const key = JSON.stringify([opts.namespace ?? '', opts.labelSelector ?? '', opts.fieldSelector ?? '']);
  return new Observable<WatchEvent>((watcher) => {
    let shared = sharedBySource.get(source);
    if (!shared) {
      shared = new Map();
      sharedBySource.set(source, shared);
    }
    const scopes = shared;
    const hub = scopes.get(key);
    if (hub?.attach(watcher, from)) return undefined;
    // Older than what the shared watch holds: this watcher replays the store's history on its own.
    if (hub) return source.watch(opts).subscribe(watcher);
    let created: SharedWatch | undefined;
    created = new SharedWatch(source, opts, from, () => {
      if (created && scopes.get(key) === created) scopes.delete(key);
    });
    // A watch that failed at once (a revision too old): the watcher's own watch reports it.
    if (!created.attach(watcher, from)) return source.watch(opts).subscribe(watcher);
    scopes.set(key, created);
    return undefined;
  });
}
