import type { Subscriber } from 'rxjs';
import { cloneJson } from '../json/clone-json.js';
import type { KubeObject } from '../model/meta.js';
import type { Change } from './memory-history.js';
import type { WatchEvent } from './store.js';

/** One open watch on a MemoryStore. */
export interface Watcher {
  readonly resource: string;
  readonly namespace: string | undefined;
  /** The newest revision this watcher has been given (or chose to start after). */
  lastDelivered: number;
  readonly subscriber: Subscriber<WatchEvent>;
  /** Changes whose object fails it are skipped before any copy is made. */
  readonly filter?: (object: Readonly<KubeObject>) => boolean;
}

/**
 * Delivers MemoryStore changes to watchers, synchronously and in revision order.
 *
 * Guarantees:
 * - A change is delivered inside the write that made it, unless a delivery is
 *   already running (a watcher wrote from its handler): then it is queued and
 *   delivered right after, so every watcher still sees revisions in order.
 * - A watcher never gets a revision at or below `lastDelivered`, which is what
 *   makes replay-then-live free of duplicates.
 * - Each watcher gets its own parsed copy of the object.
 */
export class WatchFanout {
  private readonly byResource = new Map<string, Set<Watcher>>();
  private readonly queue: Change[] = [];
  private draining = false;

  add(watcher: Watcher): void {
    let set = this.byResource.get(watcher.resource);
    if (!set) {
      set = new Set();
      this.byResource.set(watcher.resource, set);
    }
    set.add(watcher);
  }

  remove(watcher: Watcher): void {
    const set = this.byResource.get(watcher.resource);
    if (!set) return;
    set.delete(watcher);
    if (set.size === 0) this.byResource.delete(watcher.resource);
  }

  /** Delivers a committed change now, or after the delivery already in progress. */
  publish(change: Change): void {
    if (!this.byResource.has(change.resource)) return;
    this.queue.push(change);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const watchers = this.byResource.get(this.queue[i].resource);
        if (watchers) for (const w of watchers) deliver(w, this.queue[i]);
      }
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }

  /** Ends every watch (the store is closing). */
  completeAll(): void {
    for (const set of this.byResource.values()) for (const w of set) w.subscriber.complete();
    this.byResource.clear();
  }
}

/** Gives `change` to `watcher` if it is in the watcher's scope and newer than what it has seen. */
export function deliver(watcher: Watcher, change: Change): void {
  if (change.revision <= watcher.lastDelivered) return;
  if (watcher.namespace !== undefined && watcher.namespace !== change.namespace) return;
  watcher.lastDelivered = change.revision;
  if (watcher.filter && !watcher.filter(change.object)) return;
  watcher.subscriber.next({ type: change.type, object: cloneJson(change.object) });
}
