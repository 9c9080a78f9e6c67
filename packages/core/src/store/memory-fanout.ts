import type { Subscriber } from 'rxjs';
import { ExpiredError } from '../errors/api-errors.js';
import { deepFreeze } from '../informer/deep-freeze.js';
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
  /** Takes the store's object, frozen, rather than a copy (`WatchOptions.shared`). */
  readonly shared?: boolean;
}

/** How the fan-out keeps writers independent of slow watchers. */
export interface FanoutLimits {
  /** Changes a lagging watcher may have waiting; one more closes it with `ExpiredError`. */
  bufferEvents: number;
  /** The time source for measuring watchers' handlers, in milliseconds. */
  now(): number;
}

/** Handlers' share of wall time is judged over windows this long. */
const fairnessWindowMs = 10;
/**
 * A watcher whose handlers took more than half of this many windows in a row
 * is moved off the writers' path: one window could be a preemption that
 * landed inside a quick handler.
 */
const slowWindowsToLag = 3;
/** One delivery in this many is timed (and counted this many times): reading the clock costs more than a quick handler. */
const timedOneIn = 8;
/**
 * A lagging watcher is given, per event-loop turn, as long as everything else
 * had since its last turn (half of the time, the share it was allowed before
 * it was moved off the writers' path), at least this long...
 */
const catchUpSliceMs = 5;
/** ...and at most this long per lagging watcher, so that a turn does not hold the event loop for long. */
const maxCatchUpSliceMs = 50;

/** A watcher and the fan-out's bookkeeping of it. */
interface Lane {
  readonly watcher: Watcher;
  /** Changes waiting for a lagging watcher, oldest first, from `head` on. */
  readonly waiting: Change[];
  head: number;
  /** Set while the watcher is lagging: its changes wait and are delivered on later turns. */
  lagging: boolean;
  windowStart: number;
  spentInWindow: number;
  /** Consecutive windows in which the handlers took more than half of the time. */
  slowWindows: number;
  /** Deliveries on the writers' path, to pick the ones that are timed. */
  deliveries: number;
}

/**
 * Delivers MemoryStore changes to watchers in revision order, keeping
 * writers independent of how fast watchers consume.
 *
 * Guarantees:
 * - A watcher whose handlers are quick gets each change inside the write
 *   that made it (or, for a write made from a handler, right after the
 *   change being delivered), as before.
 * - A watcher whose handlers take more than half of the time (in three
 *   10 ms windows in a row) is moved off the writers' path: its changes wait in its
 *   own buffer and are delivered on later event-loop turns, each turn as
 *   long as the rest of the process had since the last (5 to 50 ms), so a
 *   writer never runs a slow consumer's work and a lagging watcher still
 *   gets about half of a busy process's time to catch up. It returns to the
 *   writers' path once it has caught up.
 * - A watcher whose buffer holds more than `bufferEvents` changes is closed
 *   with `ExpiredError` (kube-apiserver closes a watcher that cannot keep up
 *   the same way): it lists again or watches from its last revision.
 * - A watcher never gets a revision at or below `lastDelivered`, which is
 *   what makes replay-then-live free of duplicates.
 * - Each watcher gets its own copy of the object, except those that asked
 *   to share the store's (frozen) one.
 */
export class WatchFanout {
  private readonly byResource = new Map<string, Map<Watcher, Lane>>();
  private readonly queue: Change[] = [];
  private draining = false;
  private catchUpScheduled = false;
  /** When the last catch-up turn ended: the time since is what the rest of the process had. */
  private lastCatchUpEnd = 0;

  constructor(private readonly limits: FanoutLimits) {}

  add(watcher: Watcher): void {
    let lanes = this.byResource.get(watcher.resource);
    if (!lanes) {
      lanes = new Map();
      this.byResource.set(watcher.resource, lanes);
    }
    lanes.set(watcher, {
      watcher,
      waiting: [],
      head: 0,
      lagging: false,
      windowStart: this.limits.now(),
      spentInWindow: 0,
      slowWindows: 0,
      deliveries: 0,
    });
  }

  /** Whether a watcher of `resource` is open. */
  watches(resource: string): boolean {
    return this.byResource.has(resource);
  }

  remove(watcher: Watcher): void {
    const lanes = this.byResource.get(watcher.resource);
    if (!lanes) return;
    lanes.delete(watcher);
    if (lanes.size === 0) this.byResource.delete(watcher.resource);
  }

  /** Delivers a committed change now, or after the delivery already in progress. */
  publish(change: Change): void {
    if (!this.byResource.has(change.resource)) return;
    this.queue.push(change);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const lanes = this.byResource.get(this.queue[i].resource);
        if (lanes) for (const lane of lanes.values()) this.offer(lane, this.queue[i]);
      }
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }

  /** Ends every watch (the store is closing). */
  completeAll(): void {
    for (const lanes of this.byResource.values()) for (const lane of lanes.values()) lane.watcher.subscriber.complete();
    this.byResource.clear();
  }

  private offer(lane: Lane, change: Change): void {
    if (!lane.lagging) {
      this.deliverTimed(lane, change);
      return;
    }
    const { namespace } = lane.watcher;
    if (namespace !== undefined && namespace !== change.namespace) return;
    lane.waiting.push(change);
    if (lane.waiting.length - lane.head > this.limits.bufferEvents) this.expire(lane);
  }

  /**
   * Delivers on the writers' path, moving the watcher off it when its
   * handlers take most of the time. Only the handler is timed (one call in
   * `timedOneIn`, standing for the others): the copy is the store's cost of
   * having the watcher, whatever its speed.
   */
  private deliverTimed(lane: Lane, change: Change): void {
    const event = eventFor(lane.watcher, change);
    if (!event) return;
    if (++lane.deliveries % timedOneIn !== 0) {
      lane.watcher.subscriber.next(event);
      return;
    }
    const started = this.limits.now();
    lane.watcher.subscriber.next(event);
    const ended = this.limits.now();
    lane.spentInWindow += (ended - started) * timedOneIn;
    const window = ended - lane.windowStart;
    if (window < fairnessWindowMs) return;
    lane.slowWindows = lane.spentInWindow * 2 > window ? lane.slowWindows + 1 : 0;
    if (lane.slowWindows >= slowWindowsToLag) {
      lane.lagging = true;
      lane.slowWindows = 0;
      this.scheduleCatchUp();
    }
    lane.windowStart = ended;
    lane.spentInWindow = 0;
  }

  private expire(lane: Lane): void {
    const { watcher } = lane;
    this.remove(watcher);
    watcher.subscriber.error(new ExpiredError(String(watcher.lastDelivered)));
  }

  private scheduleCatchUp(): void {
    if (this.catchUpScheduled) return;
    this.catchUpScheduled = true;
    setImmediate(() => this.catchUp());
  }

  /** Gives each lagging watcher one time slice of its waiting changes, on its own event-loop turn. */
  private catchUp(): void {
    this.catchUpScheduled = false;
    let behind = false;
    const sliceMs = Math.min(maxCatchUpSliceMs, Math.max(catchUpSliceMs, this.limits.now() - this.lastCatchUpEnd));
    for (const lanes of [...this.byResource.values()]) {
      for (const lane of [...lanes.values()]) {
        if (!lane.lagging || !lanes.has(lane.watcher)) continue;
        const sliceEnd = this.limits.now() + sliceMs;
        while (lane.head < lane.waiting.length && !lane.watcher.subscriber.closed) {
          deliver(lane.watcher, lane.waiting[lane.head++]);
          if (this.limits.now() >= sliceEnd) break;
        }
        if (lane.head < lane.waiting.length && !lane.watcher.subscriber.closed) {
          behind = true;
          continue;
        }
        lane.waiting.length = 0;
        lane.head = 0;
        lane.lagging = false;
        lane.windowStart = this.limits.now();
        lane.spentInWindow = 0;
      }
    }
    this.lastCatchUpEnd = this.limits.now();
    if (behind) this.scheduleCatchUp();
  }
}

/** Gives `change` to `watcher` if it is in the watcher's scope and newer than what it has seen. */
export function deliver(watcher: Watcher, change: Change): void {
  const event = eventFor(watcher, change);
  if (event) watcher.subscriber.next(event);
}

/** The event `watcher` gets for `change` (its own copy, or the shared frozen one), or undefined if the change is not for it; marks it delivered. */
function eventFor(watcher: Watcher, change: Change): WatchEvent | undefined {
  if (change.revision <= watcher.lastDelivered) return undefined;
  if (watcher.namespace !== undefined && watcher.namespace !== change.namespace) return undefined;
  watcher.lastDelivered = change.revision;
  if (watcher.filter && !watcher.filter(change.object)) return undefined;
  // Stored objects are never mutated (a write stores a new one), so freezing one in place only makes that promise loud.
  return {
    type: change.type,
    object: watcher.shared ? (deepFreeze(change.object) as KubeObject) : cloneJson(change.object),
  };
}
