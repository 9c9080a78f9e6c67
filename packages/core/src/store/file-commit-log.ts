import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';

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
 * whole batch and syncs it once (the group commit); a batch that fails is cut
 * off again, so the file only ever holds whole, synced batches followed by
 * nothing.
 */
export class CommitLog {
  private broken: unknown;

  private constructor(
    private handle: FileHandle,
    private path: string,
    /** Bytes known to be on disk: where the next batch goes, and where a failed one is cut back to. */
    private durableBytes: number,
    /** Records in this segment: the FileStore snapshots once there are enough. */
    public records: number,
  ) {}

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
   * Appends `frames`, synced (O_DSYNC): when this resolves, they survive a crash.
   *
   * @throws FileStoreWriteError when the disk refuses; the segment is cut back
   * to what was there before, and the next append tries again.
   */
  async append(frames: Buffer[]): Promise<void> {
    await this.repair();
    const data = frames.length === 1 ? frames[0] : Buffer.concat(frames);
    try {
      for (let written = 0; written < data.length; ) {
        const { bytesWritten } = await this.handle.write(
          data,
          written,
          data.length - written,
          this.durableBytes + written,
        );
        written += bytesWritten;
      }
    } catch (err) {
      this.broken = err;
      // Cut the partial batch off now if the disk lets us; otherwise the next append retries first.
      await this.repair().catch(() => undefined);
      throw new FileStoreWriteError(this.path, err);
    }
    this.durableBytes += data.length;
    this.records += frames.length;
  }

  /** Replaces this segment by a new, empty one for records from `startRevision` on. */
  async rotate(dir: string, startRevision: number): Promise<void> {
    await this.repair();
    const next = await CommitLog.create(dir, startRevision);
    await this.handle.close();
    this.handle = next.handle;
    this.path = next.path;
    this.durableBytes = 0;
    this.records = 0;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** After a failed batch: truncate to the last synced byte, so that no torn record precedes the next batch. */
  private async repair(): Promise<void> {
    if (this.broken === undefined) return;
    try {
      await this.handle.truncate(this.durableBytes);
      await this.handle.datasync();
    } catch (err) {
      throw new FileStoreWriteError(this.path, err);
    }
    this.broken = undefined;
  }
}
