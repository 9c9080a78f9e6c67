import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Observable } from 'rxjs';
import type { Clock } from '../clock/clock.js';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  type ErrorTarget,
  ExpiredError,
  NotFoundError,
} from '../errors/api-errors.js';
import { deepFreeze } from '../informer/deep-freeze.js';
import { cloneJson } from '../json/clone-json.js';
import { compileLabelSelector } from '../model/labels.js';
import type { KubeObject } from '../model/meta.js';
import { decodeContinueToken, encodeContinueToken } from './continue-token.js';
import { deliver, type Watcher, WatchFanout } from './memory-fanout.js';
import { type Change, ChangeHistory, StoredChange, type StoredObject } from './memory-history.js';
import { indexAfter, ResourceTable, tableKey } from './memory-table.js';
import { parseRevision } from './revision.js';
import type {
  ListOptions,
  ListResult,
  ObjectKey,
  Store,
  StoreWriteOptions,
  WatchEvent,
  WatchOptions,
} from './store.js';

/** Options for `MemoryStore`. */
export interface MemoryStoreOptions {
  /**
   * How many writes (across all resources) are kept for watch resume and for
   * paging a list at its first page's revision. Default 10,000.
   */
  historyLimit?: number;
  /**
   * About how many bytes of objects (as JSON) the history may hold: the
   * oldest writes are dropped once either bound is passed, so big objects
   * shorten the window instead of exhausting memory. Default 256 MiB.
   */
  historyBytes?: number;
  /**
   * How many changes a watcher that cannot keep up may have waiting before
   * it is closed with `ExpiredError` (so it lists or watches again, as with
   * kube-apiserver). Default 10,000.
   */
  watchBufferEvents?: number;
  /** The time source for measuring how long watchers' handlers take, in milliseconds. Default `performance.now()`. */
  watchClock?: Pick<Clock, 'now'>;
  /**
   * A file to persist to with `snapshot()`. If it exists when the store is
   * constructed, the store starts from it (synchronously).
   */
  snapshotFile?: string;
  /**
   * Objects and revision to start from (a persistent store's recovered
   * state); each object carries its `metadata.resourceVersion` and is handed
   * over. The history starts empty at `revision`.
   */
  initialState?: MemoryStoreState;
}

/** A store's objects at one revision, for `MemoryStoreOptions.initialState`. */
export interface MemoryStoreState {
  /** The store's revision: the next write gets the one after it. */
  revision: number;
  /** Each object with its key; the store takes them over (they must not be used elsewhere). */
  objects: Iterable<MemoryStoreEntry>;
}

/** One object of a `MemoryStoreState`. */
export interface MemoryStoreEntry {
  resource: string;
  namespace?: string;
  name: string;
  /** The object, carrying its `metadata.resourceVersion` unless `revision` is given. */
  readonly object: KubeObject;
  /**
   * The revision the object was written at. When given, the store keeps the
   * entry itself and reads `object` only when it first needs the object, so
   * `object` may be a getter that decodes it then (and must return the same
   * object every time): a persistent store opens without parsing every object.
   */
  readonly revision?: number;
}

/** The on-disk form of a snapshot. */
interface SnapshotFile {
  format: 'flotilla.memory-store/v1';
  revision: number;
  objects: { resource: string; namespace?: string; name: string; object: KubeObject }[];
}

/** What a list reads: the keys in scope in order, and the object each held at the list's revision. */
interface ListView {
  keys: readonly string[];
  lookup(key: string): StoredObject | undefined;
}

const defaultHistoryLimit = 10_000;
const defaultHistoryBytes = 256 * 1024 * 1024;
const defaultWatchBufferEvents = 10_000;

/**
 * The embedded `Store`: everything in process memory, optionally snapshotted
 * to a file. See `Store` for the contract it implements.
 *
 * Guarantees (beyond `Store`'s):
 * - Watch events are delivered synchronously, inside the write that caused
 *   them (before its promise settles), to every watcher that keeps up. A
 *   write made from inside a watch handler is delivered right after the
 *   current event, so order still holds.
 * - Writers never wait for a slow watcher: one whose handlers take more than
 *   half of the time is moved off the writers' path and catches up on later
 *   event-loop turns from its own buffer; past `watchBufferEvents` waiting
 *   changes it is closed with `ExpiredError`.
 * - Memory is bounded: the history holds at most `historyLimit` writes and
 *   about `historyBytes` bytes of objects.
 * - Each watcher and list receives its own copy of every object, unless it
 *   asked to share the store's own, frozen (`WatchOptions.shared`: informers
 *   do; `ListOptions.shared`: the apiserver's lists do).
 * - Every page of a list is read at the first page's revision: later writes
 *   are undone from the history, so pages never skip or repeat an object.
 * - `delete` returns, and the `DELETED` event carries, the last stored state
 *   stamped with the deleting revision.
 *
 * Caveats:
 * - History is one window of `historyLimit` writes (fewer when they are big:
 *   see `historyBytes`) across all resources. A
 *   watch from a revision older than the window, or a continue token whose
 *   revision left the window, fails with `ExpiredError`: list again.
 * - A snapshot keeps objects and the revision, not history: after a restart,
 *   watches must start from the snapshot's revision or later.
 * - Lists sort keys lazily after creates and deletes; a list right after many
 *   creates pays an O(n log n) sort once.
 */
export class MemoryStore implements Store {
  /**
   * Starts at 1, as a fresh etcd does: a list never reports `'0'`, which a
   * watch would read as "from now" and so miss writes made in between.
   */
  private revision = 1;
  private readonly tables = new Map<string, ResourceTable>();
  private readonly history: ChangeHistory;
  private readonly fanout: WatchFanout;
  private readonly snapshotFile: string | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const clock = options.watchClock ?? performance;
    this.fanout = new WatchFanout({
      bufferEvents: options.watchBufferEvents ?? defaultWatchBufferEvents,
      now: () => clock.now(),
    });
    this.snapshotFile = options.snapshotFile;
    if (this.snapshotFile) this.loadSnapshot(this.snapshotFile);
    if (options.initialState) this.restore(options.initialState);
    this.history = new ChangeHistory(
      options.historyLimit ?? defaultHistoryLimit,
      options.historyBytes ?? defaultHistoryBytes,
      this.revision,
    );
  }

  async get(key: ObjectKey): Promise<KubeObject> {
    const stored = this.tables.get(key.resource)?.get(tableKey(key.namespace, key.name));
    if (!stored) throw new NotFoundError(target(key));
    return cloneJson(stored.object);
  }

  async list(resource: string, opts: ListOptions = {}): Promise<ListResult> {
    const selector = compileLabelSelector(opts.labelSelector);
    const position = opts.continue === undefined ? undefined : decodeContinueToken(opts.continue);
    const revision = position?.revision ?? this.revision;
    const view = this.viewAt(resource, opts.namespace, revision);
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : Number.POSITIVE_INFINITY;
    const items: KubeObject[] = [];
    let lastKey = '';
    let more = false;
    for (let i = position ? indexAfter(view.keys, position.lastKey) : 0; i < view.keys.length; i++) {
      const stored = view.lookup(view.keys[i]);
      if (!stored || !selector.matches(stored.object.metadata.labels)) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(opts.shared ? (deepFreeze(stored.object) as KubeObject) : cloneJson(stored.object));
      lastKey = view.keys[i];
    }
    const result: ListResult = { items, resourceVersion: String(revision) };
    if (more) result.continue = encodeContinueToken({ revision, lastKey });
    return result;
  }

  async create(key: ObjectKey, obj: KubeObject, opts: StoreWriteOptions = {}): Promise<KubeObject> {
    const table = this.table(key.resource);
    const k = tableKey(key.namespace, key.name);
    if (table.get(k)) throw new AlreadyExistsError(target(key));
    return this.write('ADDED', key, table, k, opts.handOver ? obj : cloneJson(obj), undefined);
  }

  async update(
    key: ObjectKey,
    obj: KubeObject,
    expectedResourceVersion: string,
    opts: StoreWriteOptions = {},
  ): Promise<KubeObject> {
    const expected = parseRevision(expectedResourceVersion, 'expected resourceVersion');
    const table = this.table(key.resource);
    const k = tableKey(key.namespace, key.name);
    const current = table.get(k);
    if (!current) throw new NotFoundError(target(key));
    if (current.revision !== expected) throw new ConflictError(target(key));
    return this.write('MODIFIED', key, table, k, opts.handOver ? obj : cloneJson(obj), current);
  }

  async delete(key: ObjectKey, expectedResourceVersion?: string): Promise<KubeObject> {
    const expected =
      expectedResourceVersion === undefined
        ? undefined
        : parseRevision(expectedResourceVersion, 'expected resourceVersion');
    const table = this.table(key.resource);
    const k = tableKey(key.namespace, key.name);
    const current = table.get(k);
    if (!current) throw new NotFoundError(target(key));
    if (expected !== undefined && current.revision !== expected) throw new ConflictError(target(key));
    return this.remove(key, table, k, current);
  }

  /**
   * Applies a write that a store layered over this one (the FileStore) has
   * already checked against this same state and numbered with the next
   * revision; returns the writer's copy. It is synchronous so that the
   * layered store can settle its writers' promises with the result itself,
   * and it keeps `stored` (the layered store's record of the write) as the
   * object's entry. `bytes` is the size of the stored object's JSON (for a
   * delete, of the state deleted), which the layered store knows from
   * serializing it. `handBack`, for a create or update, is the object that
   * was written, owned by the store and held nowhere else: it is returned
   * (stamped) instead of a copy, and `stored` is not read, so a record that
   * parses its object on first read stays unparsed.
   *
   * @internal
   */
  applyChecked(
    type: WatchEvent['type'],
    key: ObjectKey,
    stored: StoredObject,
    bytes: number,
    handBack?: KubeObject,
  ): KubeObject {
    const table = this.table(key.resource);
    const k = tableKey(key.namespace, key.name);
    const current = table.get(k);
    if (type === 'DELETED') return this.remove(key, table, k, current as StoredObject, bytes);
    if (handBack === undefined) return this.write(type, key, table, k, stored.object, current, stored, bytes);
    // `stored` is left as it is (unparsed, for a FileStore record) and the writer gets its own object back, stamped.
    const revision = ++this.revision;
    handBack.metadata.resourceVersion = String(revision);
    table.put(k, key.namespace, stored, current === undefined);
    this.record(new StoredChange(revision, type, key.resource, key.namespace, k, stored, current), bytes);
    return handBack;
  }

  /**
   * Whether a watch of `resource` is open: a layered store that can leave an
   * object unparsed (`applyChecked`'s `handBack`) does so only when no
   * watcher would need it parsed at once.
   *
   * @internal
   */
  watched(resource: string): boolean {
    return this.fanout.watches(resource);
  }

  watch(resource: string, opts: WatchOptions = {}): Observable<WatchEvent> {
    return new Observable<WatchEvent>((subscriber) => {
      const from = opts.resourceVersion === undefined ? 0 : parseRevision(opts.resourceVersion);
      const watcher: Watcher = {
        resource,
        namespace: opts.namespace,
        lastDelivered: from === 0 ? this.revision : from,
        subscriber,
        filter: opts.filter,
        shared: opts.shared,
      };
      if (from !== 0) {
        if (from < this.history.compactedRevision) {
          subscriber.error(new ExpiredError(String(from), String(this.history.compactedRevision)));
          return;
        }
        // Step through history by revision (not an iterator) so writes made
        // by the subscriber during replay are replayed too before going live.
        for (let change = this.history.firstAfter(from); change && !subscriber.closed; ) {
          if (change.resource === resource) deliver(watcher, change);
          change = this.history.firstAfter(change.revision);
        }
        if (subscriber.closed) return;
      }
      this.fanout.add(watcher);
      return () => this.fanout.remove(watcher);
    });
  }

  async currentRevision(): Promise<string> {
    return String(this.revision);
  }

  /** The resources holding at least one object, for exporting every object without naming resources. */
  async resources(): Promise<string[]> {
    return [...this.tables].filter(([, table]) => table.size > 0).map(([resource]) => resource);
  }

  /** Ends every open watch. The data stays readable; snapshot first if it should survive. */
  async close(): Promise<void> {
    this.fanout.completeAll();
  }

  /**
   * Writes every object and the current revision to `snapshotFile`
   * atomically (a temp file renamed over it), so a crash mid-write keeps the
   * previous snapshot.
   */
  async snapshot(): Promise<void> {
    if (!this.snapshotFile) {
      throw new Error('MemoryStore.snapshot() needs a file: construct the store with { snapshotFile }');
    }
    const data: SnapshotFile = { format: 'flotilla.memory-store/v1', revision: this.revision, objects: [] };
    for (const [resource, table] of this.tables) {
      for (const [k, stored] of table.all()) {
        const [namespace, name] = splitTableKey(k);
        data.objects.push({ resource, namespace, name, object: stored.object });
      }
    }
    const tmp = `${this.snapshotFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, this.snapshotFile);
  }

  private loadSnapshot(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let data: SnapshotFile;
    try {
      data = JSON.parse(text) as SnapshotFile;
    } catch (err) {
      throw new Error(
        `${file} is not valid JSON (${(err as Error).message}): restore it from a backup or point snapshotFile elsewhere`,
      );
    }
    if (data?.format !== 'flotilla.memory-store/v1') {
      throw new Error(
        `${file} is not a MemoryStore snapshot (format "${String(data?.format)}"): point snapshotFile elsewhere`,
      );
    }
    this.restore(data);
  }

  private restore(state: MemoryStoreState): void {
    for (const entry of state.objects) {
      const { resource, namespace, name } = entry;
      const stored: StoredObject =
        entry.revision === undefined
          ? { object: entry.object, revision: parseRevision(entry.object.metadata.resourceVersion ?? '0') }
          : (entry as StoredObject);
      this.table(resource).put(tableKey(namespace, name), namespace, stored);
    }
    this.revision = state.revision;
  }

  private table(resource: string): ResourceTable {
    let table = this.tables.get(resource);
    if (!table) {
      table = new ResourceTable();
      this.tables.set(resource, table);
    }
    return table;
  }

  /**
   * Stores `object` (already the store's own: copied in, or handed over) at
   * the next revision, as `stored` when the caller made the entry, with
   * `bytes` its JSON size when known.
   */
  private write(
    type: 'ADDED' | 'MODIFIED',
    key: ObjectKey,
    table: ResourceTable,
    k: string,
    object: KubeObject,
    previous: StoredObject | undefined,
    stored?: StoredObject,
    bytes?: number,
  ): KubeObject {
    const revision = ++this.revision;
    object.metadata.resourceVersion = String(revision);
    table.put(k, key.namespace, stored ?? { object, revision }, previous === undefined);
    this.record({ revision, type, resource: key.resource, namespace: key.namespace, key: k, object, previous }, bytes);
    return cloneJson(object);
  }

  /** Deletes `current` (the entry at `k`) at the next revision; `bytes` as for `write`. */
  private remove(key: ObjectKey, table: ResourceTable, k: string, current: StoredObject, bytes?: number): KubeObject {
    const revision = ++this.revision;
    // Stored objects are never mutated, so the deleted state may share all but its stamped metadata with them.
    const object: KubeObject = {
      ...current.object,
      metadata: { ...current.object.metadata, resourceVersion: String(revision) },
    };
    table.remove(k, key.namespace);
    this.record(
      {
        revision,
        type: 'DELETED',
        resource: key.resource,
        namespace: key.namespace,
        key: k,
        object,
        previous: current,
      },
      bytes,
    );
    return cloneJson(object);
  }

  private record(change: Change, bytes?: number): void {
    this.history.append(change, bytes);
    this.fanout.publish(change);
  }

  /**
   * The objects in scope as they were at `revision`: the current table with
   * every later write in scope undone from the history.
   */
  private viewAt(resource: string, namespace: string | undefined, revision: number): ListView {
    const table = this.tables.get(resource);
    const current = table?.sortedKeys(namespace) ?? [];
    const lookupCurrent = (key: string) => table?.get(key);
    if (revision === this.revision) return { keys: current, lookup: lookupCurrent };
    if (revision > this.revision) {
      throw new BadRequestError(`revision ${revision} is newer than the store: pass back a token this store issued`);
    }
    if (revision < this.history.compactedRevision) {
      throw new ExpiredError(String(revision), String(this.history.compactedRevision));
    }
    const undo = new Map<string, StoredObject | undefined>();
    for (const change of this.history.afterNewestFirst(revision)) {
      if (change.resource === resource && (namespace === undefined || change.namespace === namespace)) {
        undo.set(change.key, change.previous);
      }
    }
    if (undo.size === 0) return { keys: current, lookup: lookupCurrent };
    const gone = [...undo.keys()].filter((k) => !table?.get(k));
    const keys = gone.length === 0 ? current : [...current, ...gone].sort();
    return { keys, lookup: (key) => (undo.has(key) ? undo.get(key) : lookupCurrent(key)) };
  }
}

function target(key: ObjectKey): ErrorTarget {
  return { resource: key.resource, namespace: key.namespace, name: key.name };
}

function splitTableKey(k: string): [string | undefined, string] {
  const sep = k.indexOf('\u0000');
  const namespace = k.slice(0, sep);
  return [namespace === '' ? undefined : namespace, k.slice(sep + 1)];
}
