import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../errors/api-errors.js';
import { cloneJson } from '../json/clone-json.js';
import type { KubeObject } from '../model/meta.js';
import { CommitLog } from './file-commit-log.js';
import { lockDirectory } from './file-lock.js';
import { LogRecord, recordKey } from './file-records.js';
import { recoverDirectory } from './file-recovery.js';
import { snapshotName, writeSnapshot } from './file-snapshot.js';
import { MemoryStore } from './memory-store.js';
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

/** Options for `FileStore.open`. */
export interface FileStoreOptions {
  /** Writes kept for watch resume and list paging, also across a reopen. Default 10,000. */
  historyLimit?: number;
  /**
   * The least number of log records between snapshots (a snapshot is also
   * never taken before the log is as long as the last snapshot, so snapshot
   * cost stays proportional to writes). Default: `historyLimit`.
   */
  snapshotEvery?: number;
}

/** A write validated, numbered and encoded, waiting for its batch to reach the disk. */
interface PendingWrite {
  record: LogRecord;
  /** The `index` entry before this write: what is on disk for the key, and what a failed batch puts back. */
  previous: LogRecord | undefined;
  resolve(result: KubeObject): void;
  reject(err: unknown): void;
}

/** A batch on its way to the disk. */
interface Batch {
  writes: PendingWrite[];
  /** A batch before it (or it) failed: its writes were failed with it. */
  failed: boolean;
  /** Settles (never rejects) once the batch is applied or failed. */
  settled: Promise<void>;
}

const defaultHistoryLimit = 10_000;

/**
 * Batches written at once: while some are being synced, the writers of
 * another take their acknowledgements and prepare their next writes, and the
 * syncs overlap on the disk. Three beat two on a loaded machine and matched
 * them on a core of their own; four cost more main-thread CPU per write than
 * they saved (docs/benchmarks.md).
 */
const batchesInFlight = 3;

/**
 * A `Store` that keeps its state in a directory, for one process that must
 * keep its cluster across restarts without running etcd. It is a
 * `MemoryStore` (which serves every read and watch) behind a write-ahead log:
 * a write is numbered and appended to the log, and only once its batch is
 * synced to disk does it reach the MemoryStore, its watchers and its caller.
 * Snapshots of the objects bound the log.
 *
 * Guarantees (beyond `Store`'s):
 * - A write is acknowledged, and seen by any read or watch, only once it is
 *   on disk (fdatasync). Concurrent writes share one sync (group commit).
 * - After a crash, `open` recovers every acknowledged write with its content
 *   and revision, and nothing of a write that was not acknowledged: records
 *   are checksummed and a torn tail is cut off. Revisions never go back, also
 *   across snapshots (a snapshot keeps the revision it was taken at).
 * - Watches can resume after a reopen from any of the last `historyLimit`
 *   revisions before it.
 * - A write the disk refuses fails with `FileStoreWriteError` (and so does
 *   every write queued behind it, as it was checked against it); nothing is
 *   half-stored, and the store takes writes again once space returns.
 *
 * Caveats:
 * - One FileStore per directory: a `LOCK` file with the owner's process id
 *   makes a second open fail (a lock whose process is gone is taken over).
 * - Every object is held in memory, as in the MemoryStore, and so is its
 *   record's JSON (about its size again), which snapshots copy instead of
 *   serializing every object. Objects read back by `open`, and objects
 *   written while nobody watched their resource, are held as that JSON only
 *   and parsed when first read: the first list of a large store after a
 *   reopen pays for the parsing that `open` did not.
 * - A snapshot is taken about once per as many writes as there are objects.
 */
export class FileStore implements Store {
  /**
   * The newest record of each key, including writes not yet on disk: what
   * create/update/delete are checked against, and what a snapshot copies.
   */
  private readonly index: Map<string, LogRecord>;
  /** The newest revision handed out; runs ahead of the MemoryStore's while batches are in flight. */
  private assigned: number;
  /** The newest revision applied to the MemoryStore: on disk. */
  private applied: number;
  private queue: PendingWrite[] = [];
  /** Oldest first; they settle in this order. */
  private readonly inFlight: Batch[] = [];
  /** Reads waiting for the writes accepted before them to reach the disk, oldest first. */
  private readonly readers: { revision: number; resume(): void }[] = [];
  private flushing: Promise<void> | undefined;
  private snapshotting: Promise<void> | undefined;
  private snapshotThreshold: number;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly memory: MemoryStore,
    private readonly log: CommitLog,
    private readonly snapshots: number[],
    private readonly snapshotEvery: number,
    index: Map<string, LogRecord>,
    revision: number,
    private readonly unlock: () => Promise<void>,
  ) {
    this.index = index;
    this.assigned = revision;
    this.applied = revision;
    this.snapshotThreshold = snapshotEvery;
  }

  /**
   * Opens the store kept in `dir` (created, with its parents, when missing),
   * recovering every acknowledged write.
   *
   * @throws Error naming the file when the directory is damaged beyond a torn
   * tail, or naming the process when another FileStore has it open.
   */
  static async open(dir: string, options: FileStoreOptions = {}): Promise<FileStore> {
    await mkdir(dir, { recursive: true });
    const unlock = await lockDirectory(dir);
    try {
      return await FileStore.recover(dir, options, unlock);
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  private static async recover(
    dir: string,
    options: FileStoreOptions,
    unlock: () => Promise<void>,
  ): Promise<FileStore> {
    const historyLimit = options.historyLimit ?? defaultHistoryLimit;
    const recovered = await recoverDirectory(dir, historyLimit);
    // The MemoryStore keeps the recovered records themselves: each object is parsed when first read.
    const memory = new MemoryStore({
      historyLimit,
      initialState: { revision: recovered.baseRevision, objects: recovered.objects.values() },
    });
    const log = recovered.active
      ? await CommitLog.resume(recovered.active.path, recovered.active.validBytes, recovered.active.records)
      : await CommitLog.create(dir, recovered.revision + 1);
    const store = new FileStore(
      dir,
      memory,
      log,
      recovered.snapshots,
      options.snapshotEvery ?? historyLimit,
      recovered.objects,
      recovered.revision,
      unlock,
    );
    for (const record of recovered.tail) {
      store.apply(record, store.index.get(record.key));
      store.record(record);
    }
    store.snapshotThreshold = Math.max(store.snapshotEvery, store.index.size);
    return store;
  }

  async get(key: ObjectKey): Promise<KubeObject> {
    await this.caughtUp();
    return this.memory.get(key);
  }

  async list(resource: string, opts?: ListOptions): Promise<ListResult> {
    await this.caughtUp();
    return this.memory.list(resource, opts);
  }

  watch(resource: string, opts?: WatchOptions): Observable<WatchEvent> {
    return this.memory.watch(resource, opts);
  }

  /** The newest revision on disk (writes still in flight are not counted). */
  currentRevision(): Promise<string> {
    return this.memory.currentRevision();
  }

  /** The resources holding at least one object, for exporting every object without naming resources. */
  resources(): Promise<string[]> {
    return this.memory.resources();
  }

  // The writes are not `async` functions: each returns its batch's promise itself, instead of
  // one that resolves with it (two promises and their turns less per write). A refusal rejects.

  create(key: ObjectKey, obj: KubeObject, opts: StoreWriteOptions = {}): Promise<KubeObject> {
    try {
      this.assertOpen();
      const k = recordKey(key.resource, key.namespace, key.name);
      if (this.index.has(k)) throw new AlreadyExistsError({ ...key });
      return this.enqueue('ADDED', key, k, opts.handOver ? obj : cloneJson(obj), undefined);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  update(
    key: ObjectKey,
    obj: KubeObject,
    expectedResourceVersion: string,
    opts: StoreWriteOptions = {},
  ): Promise<KubeObject> {
    try {
      this.assertOpen();
      const expected = parseRevision(expectedResourceVersion, 'expected resourceVersion');
      const k = recordKey(key.resource, key.namespace, key.name);
      const current = this.index.get(k);
      if (current === undefined) throw new NotFoundError({ ...key });
      if (current.revision !== expected) throw new ConflictError({ ...key });
      return this.enqueue('MODIFIED', key, k, opts.handOver ? obj : cloneJson(obj), current);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  delete(key: ObjectKey, expectedResourceVersion?: string): Promise<KubeObject> {
    try {
      this.assertOpen();
      const expected =
        expectedResourceVersion === undefined
          ? undefined
          : parseRevision(expectedResourceVersion, 'expected resourceVersion');
      const k = recordKey(key.resource, key.namespace, key.name);
      const current = this.index.get(k);
      if (current === undefined) throw new NotFoundError({ ...key });
      if (expected !== undefined && current.revision !== expected) throw new ConflictError({ ...key });
      return this.enqueue('DELETED', key, k, undefined, current);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Waits for writes in flight and a snapshot being written, ends every watch and closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    while (this.inFlight.length > 0) await this.inFlight[this.inFlight.length - 1].settled;
    await this.snapshotting;
    await this.log.close();
    await this.memory.close();
    await this.unlock();
  }

  /** Numbers and encodes a checked write, records it in the index and queues it for the next batch. */
  private enqueue(
    type: LogRecord['type'],
    key: ObjectKey,
    k: string,
    object: KubeObject | undefined,
    previous: LogRecord | undefined,
  ): Promise<KubeObject> {
    const record = LogRecord.encode(type, this.assigned + 1, key, object, k);
    this.assigned++;
    this.record(record);
    return new Promise<KubeObject>((resolve, reject) => {
      this.queue.push({ record, previous, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /**
   * Sends queued writes to the disk, each batch in one write and one sync
   * however many writers queued it, with up to `batchesInFlight` batches
   * on their way at once.
   */
  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const newest = this.inFlight.at(-1);
        const snapshotDue = this.log.records >= this.snapshotThreshold && !this.snapshotting;
        // A failed batch is cut off the log, and a snapshot rotates it, only once no batch is on its way.
        if (newest && (this.inFlight.length >= batchesInFlight || newest.failed || snapshotDue)) {
          await (newest.failed || snapshotDue ? newest : this.inFlight[0]).settled;
          continue;
        }
        if (snapshotDue) await this.startSnapshot();
        // Let writers whose previous write just settled queue their next one, so it joins this batch
        // instead of going alone and leaving the rest for the batch after.
        await new Promise<void>((resume) => setImmediate(resume));
        // What waits is shared among the free places (with nothing on its way, a third goes now and the
        // rest right behind it): the batches then take turns, some being synced while the writers of
        // another prepare their next writes.
        this.send(this.queue.splice(0, Math.ceil(this.queue.length / (batchesInFlight - this.inFlight.length))));
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Writes a batch; it is applied (or failed) only after the batch before it, so the MemoryStore numbers writes as the log does. */
  private send(writes: PendingWrite[]): void {
    if (writes.length === 0) return;
    const previous = this.inFlight.at(-1)?.settled;
    const batch: Batch = { writes, failed: false, settled: Promise.resolve() };
    this.inFlight.push(batch);
    batch.settled = Promise.allSettled([previous, this.log.append(writes.map((w) => w.record))])
      .then(([, landed]) => {
        if (batch.failed) return;
        if (landed.status === 'rejected') this.failFrom(batch, landed.reason);
        else for (const w of writes) this.settle(w);
      })
      .finally(() => {
        this.inFlight.splice(this.inFlight.indexOf(batch), 1);
        this.releaseReaders();
      });
  }

  /**
   * Waits until every write accepted so far is on disk (or failed). A read
   * thus sees every write that was checked before it: a writer told
   * `Conflict` because of a write still in flight reads that write, instead
   * of the older state, and its retry can succeed.
   */
  private async caughtUp(): Promise<void> {
    if (this.assigned === this.applied) return;
    const revision = this.assigned;
    await new Promise<void>((resume) => this.readers.push({ revision, resume }));
  }

  private releaseReaders(): void {
    let n = 0;
    while (n < this.readers.length && (this.readers[n].revision <= this.applied || this.assigned === this.applied)) {
      this.readers[n++].resume();
    }
    this.readers.splice(0, n);
  }

  /** Records a write in the index. */
  private record(record: LogRecord): void {
    if (record.type === 'DELETED') this.index.delete(record.key);
    else this.index.set(record.key, record);
  }

  /**
   * Applies a write whose batch is on disk and gives its writer the result.
   * When nobody watches its resource, the writer gets the object it wrote
   * back, and the record keeps only its bytes (parsed when first read),
   * instead of the store keeping the object and copying it for the writer.
   */
  private settle(w: PendingWrite): void {
    try {
      const handBack = this.memory.watched(w.record.resource) ? undefined : w.record.releaseObject();
      w.resolve(this.apply(w.record, w.previous, handBack));
    } catch (err) {
      w.reject(err);
    }
  }

  /**
   * Applies a durable record to the MemoryStore, which numbers it with the
   * same revision and keeps the record as the object's entry. The record
   * (checked against the index, which the MemoryStore catches up with in
   * order) is a valid write there.
   */
  private apply(record: LogRecord, previous: LogRecord | undefined, handBack?: KubeObject): KubeObject {
    this.applied = record.revision;
    const bytes = record.type === 'DELETED' ? (previous as LogRecord).jsonBytes : record.jsonBytes;
    return this.memory.applyChecked(record.type, record, record, bytes, handBack);
  }

  /** A batch did not reach the disk: it, the batch after it and every queued write (all checked against it) fail. */
  private failFrom(batch: Batch, err: unknown): void {
    const failed = this.inFlight.slice(this.inFlight.indexOf(batch));
    for (const b of failed) b.failed = true;
    this.fail([...failed.flatMap((b) => b.writes), ...this.queue.splice(0)], err);
  }

  /** Fails `writes` (in the order they were numbered, the newest last) and takes them out of the index. */
  private fail(writes: PendingWrite[], err: unknown): void {
    for (let i = writes.length - 1; i >= 0; i--) {
      const { record, previous } = writes[i];
      if (previous === undefined) this.index.delete(record.key);
      else this.index.set(record.key, previous);
    }
    this.assigned -= writes.length;
    for (const w of writes) w.reject(err);
    this.releaseReaders();
  }

  /**
   * Starts a new log segment and writes a snapshot of the objects at the
   * revision it starts after, in the background. Runs between batches, when
   * the MemoryStore holds exactly what is on disk.
   */
  private async startSnapshot(): Promise<void> {
    const revision = Number(await this.memory.currentRevision());
    try {
      await this.log.rotate(this.dir, revision + 1);
    } catch {
      // The disk refused a new segment: keep appending to this one and try again after the next batch.
      return;
    }
    const records = this.durableRecords();
    this.snapshotThreshold = Math.max(this.snapshotEvery, records.length);
    this.snapshotting = writeSnapshot(this.dir, revision, records)
      .then(() => this.dropOldGenerations(revision))
      .catch(() => undefined) // a failed snapshot leaves the older one and its log in place; the next one retries
      .finally(() => {
        this.snapshotting = undefined;
      });
  }

  /**
   * The newest record of each object on disk: the index, with the writes
   * still queued (each recorded in it already) undone.
   */
  private durableRecords(): LogRecord[] {
    const queued = new Map<string, LogRecord | undefined>();
    // Newest first, so that the oldest queued write's `previous` (what is on disk) is what stays.
    for (let i = this.queue.length - 1; i >= 0; i--) queued.set(this.queue[i].record.key, this.queue[i].previous);
    const records: LogRecord[] = [];
    for (const [k, record] of this.index) if (!queued.has(k)) records.push(record);
    for (const record of queued.values()) if (record) records.push(record);
    return records;
  }

  /**
   * Keeps the two newest snapshots and the log after the older of them (so a
   * reopen can replay a full history); removes the rest.
   */
  private async dropOldGenerations(revision: number): Promise<void> {
    this.snapshots.push(revision);
    while (this.snapshots.length > 2) {
      const dropped = this.snapshots.shift() as number;
      await rm(join(this.dir, snapshotName(dropped)), { force: true });
    }
    const keep = this.snapshots[0];
    for (const name of await readdir(this.dir)) {
      const start = /^log-(\d{16})\.wal$/.exec(name)?.[1];
      if (start !== undefined && Number(start) <= keep) {
        await rm(join(this.dir, name), { force: true });
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('FileStore is closed: open it again to write');
  }
}
