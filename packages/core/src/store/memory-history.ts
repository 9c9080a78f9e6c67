import type { KubeObject } from '../model/meta.js';
import type { WatchEvent } from './store.js';

/**
 * An object inside MemoryStore. `object` is the store's private copy, with
 * its `metadata.resourceVersion`; it is never mutated once stored (a write
 * stores a new one) and never handed out without copying.
 */
export interface StoredObject {
  readonly object: KubeObject;
  readonly revision: number;
}

/** One write, as kept for watch replay and for reading lists at an older revision. */
export interface Change {
  readonly revision: number;
  readonly type: WatchEvent['type'];
  readonly resource: string;
  readonly namespace: string | undefined;
  /** The MemoryStore table key of the object. */
  readonly key: string;
  /** The event's object (private, copied per watcher): the new state, or for `DELETED` the last state stamped with the deleting revision. */
  readonly object: KubeObject;
  /** The object before this write; undefined for `ADDED`. Lets a list undo later writes. */
  readonly previous: StoredObject | undefined;
}

/**
 * The bounded window of recent writes, oldest first. Everything at or below
 * `compactedRevision` has been dropped; every change above it is here.
 */
export class ChangeHistory {
  private changes: Change[] = [];
  private start = 0;
  private compacted: number;

  constructor(
    private readonly limit: number,
    initialRevision: number,
  ) {
    this.compacted = initialRevision;
  }

  /** The newest revision no longer retained: a watch or list from below it is expired. */
  get compactedRevision(): number {
    return this.compacted;
  }

  /** Appends a change, dropping the oldest once more than `limit` are held. */
  append(change: Change): void {
    this.changes.push(change);
    if (this.changes.length - this.start > this.limit) {
      this.compacted = this.changes[this.start].revision;
      this.start++;
      // Splice rarely so that dropping stays amortised O(1).
      if (this.start >= 1024 && this.start * 2 >= this.changes.length) {
        this.changes = this.changes.slice(this.start);
        this.start = 0;
      }
    }
  }

  /**
   * The oldest retained change above `revision`. Replay steps with this rather
   * than an iterator so that writes made by a watcher while it is being
   * replayed to are picked up too.
   */
  firstAfter(revision: number): Change | undefined {
    return this.changes[this.indexAfter(revision)];
  }

  /** The retained changes with a revision above `revision`, newest first. */
  *afterNewestFirst(revision: number): Generator<Change> {
    const first = this.indexAfter(revision);
    for (let i = this.changes.length - 1; i >= first; i--) yield this.changes[i];
  }

  private indexAfter(revision: number): number {
    let lo = this.start;
    let hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.changes[mid].revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
