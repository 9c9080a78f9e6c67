import type { KubeObject } from '../model/meta.js';
import { jsonFootprint } from './json-footprint.js';
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
 * A change whose object is its stored entry's, read only when first needed:
 * a FileStore record nobody watched when it was written stays unparsed until
 * a watch replays it or a read asks for it.
 */
export class StoredChange implements Change {
  constructor(
    readonly revision: number,
    readonly type: 'ADDED' | 'MODIFIED',
    readonly resource: string,
    readonly namespace: string | undefined,
    readonly key: string,
    private readonly stored: StoredObject,
    readonly previous: StoredObject | undefined,
  ) {}

  get object(): KubeObject {
    return this.stored.object;
  }
}

/**
 * The bounded window of recent writes, oldest first, held to at most
 * `limit` changes and about `byteLimit` bytes of their objects (as JSON).
 * Everything at or below `compactedRevision` has been dropped; every change
 * above it is here.
 */
export class ChangeHistory {
  /** Dropped entries (before `start`) are cleared so that a big object is freed as soon as it leaves the window. */
  private changes: (Change | undefined)[] = [];
  private sizes: number[] = [];
  private start = 0;
  private bytes = 0;
  private compacted: number;

  constructor(
    private readonly limit: number,
    private readonly byteLimit: number,
    initialRevision: number,
  ) {
    this.compacted = initialRevision;
  }

  /** About how many bytes the retained changes' objects take (as JSON). */
  get retainedBytes(): number {
    return this.bytes;
  }

  /** The newest revision no longer retained: a watch or list from below it is expired. */
  get compactedRevision(): number {
    return this.compacted;
  }

  /**
   * Appends a change, dropping the oldest while more than `limit` changes or
   * `byteLimit` bytes are held. `size` is its object's JSON size when the
   * caller knows it (a persistent store that serialized it), which saves a walk.
   */
  append(change: Change, size = jsonFootprint(change.object)): void {
    this.changes.push(change);
    this.sizes.push(size);
    this.bytes += size;
    while (
      this.start < this.changes.length &&
      (this.changes.length - this.start > this.limit || this.bytes > this.byteLimit)
    ) {
      this.compacted = (this.changes[this.start] as Change).revision;
      this.bytes -= this.sizes[this.start];
      this.changes[this.start] = undefined;
      this.start++;
    }
    // Splice rarely so that dropping stays amortised O(1).
    if (this.start >= 1024 && this.start * 2 >= this.changes.length) {
      this.changes = this.changes.slice(this.start);
      this.sizes = this.sizes.slice(this.start);
      this.start = 0;
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
    for (let i = this.changes.length - 1; i >= first; i--) yield this.changes[i] as Change;
  }

  private indexAfter(revision: number): number {
    let lo = this.start;
    let hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.changes[mid] as Change).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
