import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { framesOf, type LogRecord } from './file-records.js';

/**
 * A FileStore write that did not reach the disk: the disk is full, read-only
 * or failing. Nothing of the write (or of any write queued behind it) was
 * stored or acknowledged; once the cause is fixed, the same store takes
 * writes again.
 */
export class FileStoreWriteError extends Error {
  /** The errno code of the failure (`ENOSPC` for a full disk), when the system gave one. */
  readonly code: string | undefined;
  constructor(
    /** The file the store could not write. */
    readonly path: string,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const why = code === 'ENOSPC' ? 'the disk is full' : ((cause as Error | undefined)?.message ?? String(cause));
    super(
      `FileStore could not write ${path} (${why}): the write was not stored. ` +
        (code === 'ENOSPC' ? 'Free space on that disk and retry.' : 'Fix the disk and retry.'),
      { cause },
    );
    this.name = 'FileStoreWriteError';
    this.code = code;
  }
}

/**
 * Segments are opened O_DSYNC: a write returns only once its data (and the
 * file size) is on disk, as if followed by fdatasync, but in one system call
 * instead of two round trips through the thread pool.
 */
const segmentFlags = constants.O_RDWR | constants.O_CREAT | constants.O_DSYNC;

/**
 * The log's end is kept ahead of its records by writing zeros past them
 * (`fillBytes` at a time, once fewer than `fillAheadBytes` remain): an
 * O_DSYNC write over blocks already written changes neither the file's size
 * nor its block map, so the filesystem syncs only the data, without a journal
 * commit of the inode, which an appending write must also wait for (figures
 * in docs/benchmarks.md, issue 23's third session).
 * The zeros are no record (a frame of length 0 ends a scan), and are cut off
 * when a segment is closed or rotated, or by recovery after a crash.
 */
const fillBytes = 1 << 20;
const fillAheadBytes = 1 << 20;
let zeros: Buffer | undefined;

/** A run of zeros being written past the records, from `from` to `to`. */
interface Fill {
  from: number;
  to: number;
  /** Settles (never rejects) once the zeros are on disk, or once a refused fill is cut off again. */
  done: Promise<void>;
}

/** The name of the log segment whose first record has revision `startRevision`. */
export function segmentName(startRevision: number): string {
  return `log-${String(startRevision).padStart(16, '0')}.wal`;
}

/** Fsyncs a directory, so that files created, renamed or removed in it stay so after a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The segment of the write-ahead log being appended to. `append` writes a
 * whole batch in one synced write (the group commit). Appends may overlap
 * (the next batch is written while the one before is still being synced):
 * each lands at its own offset, and each resolves only once it and every
 * append before it are on disk, so their order is the log's. A batch that
 * fails fails every append after it too, and once none is in flight the
 * segment is cut back to the last whole batch, so the file only ever holds
 * whole, synced batches followed by nothing.
 */
export class CommitLog {
  private broken: unknown;
  /** Where the next batch goes: past every batch written or in flight. */
  private reserved: number;
  /** Settles when the newest append does. */
  private landed: Promise<void> = Promise.resolve();
  private repairing: Promise<void> | undefined;
  /** The file holds written blocks (records or zeros) up to here: a batch that ends before it does not grow the file. */
  private filled: number;
  private fill: Fill | undefined;
  /** The disk refused zeros: fill no more until a repair or a new segment (batches append as before). */
  private fillRefused = false;

  private constructor(
    private handle: FileHandle,
    private path: string,
    /** Bytes known to be on disk (every batch up to there synced): where a failed batch is cut back to. */
    private durableBytes: number,
    /** Records in this segment: the FileStore snapshots once there are enough. */
    public records: number,
  ) {
    this.reserved = durableBytes;
    this.filled = durableBytes;
  }

  /** Opens a segment to append at `validBytes` (a recovered segment whose torn tail is already cut off). */
  static async resume(path: string, validBytes: number, records: number): Promise<CommitLog> {
    return new CommitLog(await open(path, segmentFlags), path, validBytes, records);
  }

  /** Creates an empty segment for records from `startRevision` on, and makes its name durable. */
  static async create(dir: string, startRevision: number): Promise<CommitLog> {
    const path = join(dir, segmentName(startRevision));
    const handle = await open(path, segmentFlags | constants.O_TRUNC);
    try {
      await syncDirectory(dir);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new CommitLog(handle, path, 0, 0);
  }

  /**
   * Appends the frames of `records`, written into one buffer, in one synced
   * (O_DSYNC) write: when this resolves, they and every append before them
   * survive a crash.
   *
   * @throws FileStoreWriteError when the disk refuses this batch or one
   * before it; the segment is cut back to what was there before, and a later
   * append (made once none is in flight) tries again.
   */
  async append(records: readonly LogRecord[]): Promise<void> {
    if (this.broken !== undefined) await this.repair();
    const data = framesOf(records);
    const start = this.reserved;
    this.reserved += data.length;
    const previous = this.landed;
    const written = this.write(data, start);
    this.fillAhead();
    const done = Promise.allSettled([previous, written]).then(([before, own]) => {
      if (own.status === 'rejected') throw own.reason;
      // An earlier batch failed: this one lies past bytes that were never whole, and is cut off with them.
      if (before.status === 'rejected') throw before.reason;
      this.durableBytes = start + data.length;
      this.records += records.length;
    });
    this.landed = done;
    // Cut a failed batch off now if the disk lets us, once nothing lands after it; otherwise the next append retries first.
    done.catch(() => {
      if (this.landed === done) this.repair().catch(() => undefined);
    });
    return done;
  }

  /**
   * Replaces this segment by a new, empty one for records from `startRevision`
   * on (no append may be in flight). The old segment is first cut to its
   * records: only the newest segment may end in anything else.
   */
  async rotate(dir: string, startRevision: number): Promise<void> {
    await this.repair();
    await this.cutFill();
    await this.handle.datasync();
    const next = await CommitLog.create(dir, startRevision);
    await this.handle.close();
    this.handle = next.handle;
    this.path = next.path;
    this.durableBytes = 0;
    this.reserved = 0;
    this.filled = 0;
    this.fillRefused = false;
    this.records = 0;
  }

  async close(): Promise<void> {
    await this.landed.catch(() => undefined);
    // Zeros left past the records would be cut by the next open; a clean file saves it reading them.
    await this.cutFill().catch(() => undefined);
    await this.handle.close();
  }

  /** Starts writing zeros past the records when fewer than `fillAheadBytes` of them remain. */
  private fillAhead(): void {
    if (this.fill || this.fillRefused || this.broken !== undefined || this.reserved + fillAheadBytes <= this.filled) {
      return;
    }
    // Past every batch reserved so far, so no batch on its way lies under the zeros; later ones wait for them.
    const from = Math.max(this.filled, this.reserved);
    zeros ??= Buffer.alloc(fillBytes);
    const fill: Fill = { from, to: from + fillBytes, done: Promise.resolve() };
    this.fill = fill;
    fill.done = this.handle
      .write(zeros, 0, fillBytes, from)
      .then(({ bytesWritten }) => {
        if (bytesWritten !== fillBytes) throw new Error('the disk took part of the zeros');
        this.filled = fill.to;
      })
      .catch(() => {
        this.fillRefused = true;
        // Give back what a refused fill took (a full disk): no batch lies at or past `from` yet.
        return this.handle.truncate(from);
      })
      .catch(() => undefined)
      .finally(() => {
        this.fill = undefined;
      });
  }

  /** Waits for zeros being written and cuts the segment back to its records. */
  private async cutFill(): Promise<void> {
    await this.fill?.done;
    await this.handle.truncate(this.durableBytes);
    this.filled = this.durableBytes;
  }

  private async write(data: Buffer, start: number): Promise<void> {
    // A batch reaching past where zeros are being written waits for them, so they never land over it.
    if (this.fill && start + data.length > this.fill.from) await this.fill.done;
    try {
      for (let written = 0; written < data.length; ) {
        const { bytesWritten } = await this.handle.write(data, written, data.length - written, start + written);
        written += bytesWritten;
      }
    } catch (err) {
      this.broken ??= err;
      throw new FileStoreWriteError(this.path, err);
    }
  }

  /** After a failed batch: truncate to the last synced byte, so that no torn record precedes the next batch. */
  private repair(): Promise<void> {
    if (this.broken === undefined) return Promise.resolve();
    this.repairing ??= (async () => {
      try {
        await this.fill?.done;
        await this.handle.truncate(this.durableBytes);
        await this.handle.datasync();
      } catch (err) {
        throw new FileStoreWriteError(this.path, err);
      } finally {
        this.repairing = undefined;
      }
      this.reserved = this.durableBytes;
      this.filled = this.durableBytes;
      this.fillRefused = false;
      this.broken = undefined;
      // The failures before are dealt with: the next append depends on none of them.
      this.landed = Promise.resolve();
    })();
    return this.repairing;
  }
}
