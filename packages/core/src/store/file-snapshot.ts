import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStoreWriteError, syncDirectory } from './file-commit-log.js';
import {
  frameJson,
  framesOf,
  LogRecord,
  parseFrameJson,
  type SnapshotHeader,
  scanFrames,
  snapshotFormat,
} from './file-records.js';

/** The name of the snapshot of the store at `revision`. */
export function snapshotName(revision: number): string {
  return `snapshot-${String(revision).padStart(16, '0')}.snap`;
}

/** Records copied per write call: large enough to keep syscalls few, small enough to yield between. */
const recordsPerChunk = 4096;

/**
 * Writes the objects of the store at `revision` (the newest record of each)
 * as a snapshot file, atomically: into a temporary file, synced, then
 * renamed into place and the directory synced. A crash at any point leaves
 * either no snapshot of that revision or a whole one. Each record's frame is
 * copied as it was read, or written from the JSON the record keeps, so no
 * object is serialized again.
 *
 * @throws FileStoreWriteError when the disk refuses (the temporary file is removed).
 */
export async function writeSnapshot(dir: string, revision: number, records: readonly LogRecord[]): Promise<void> {
  const path = join(dir, snapshotName(revision));
  const tmp = `${path}.tmp`;
  try {
    const handle = await open(tmp, 'w');
    try {
      const header: SnapshotHeader = { format: snapshotFormat, revision, count: records.length };
      // writeFile writes all of each buffer (a disk that fills makes a write short, then fail).
      await handle.writeFile(frameJson(header));
      for (let i = 0; i < records.length; i += recordsPerChunk) {
        await handle.writeFile(framesOf(records.slice(i, i + recordsPerChunk)));
      }
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    await syncDirectory(dir);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new FileStoreWriteError(tmp, err);
  }
}

/** Reads a whole file in one read call (a file read in 512 KiB steps waits on the thread pool for each). */
export async function readWhole(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buf, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buf.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/** Decodes a record of the file at `path`, naming the file if it is not one. */
export function decodeIn(path: string, frame: Buffer): LogRecord {
  try {
    return LogRecord.decode(frame);
  } catch (err) {
    throw new Error(`${path} holds ${(err as Error).message}: restore the directory from a backup or an export`);
  }
}

/**
 * Reads a snapshot written by `writeSnapshot`: its revision and records
 * (their objects are parsed when first read).
 *
 * @throws Error naming the file when it is not a whole snapshot of this
 * format (it was written atomically, so this means the disk or someone else
 * changed it, or an older FileStore wrote it).
 */
export async function readSnapshot(path: string): Promise<{ revision: number; records: LogRecord[] }> {
  let header: SnapshotHeader | undefined;
  const records: LogRecord[] = [];
  const refuse = (why: string) =>
    new Error(`${path} is not a whole FileStore snapshot (${why}): restore the directory from a backup or an export`);
  const { count, validBytes } = scanFrames(await readWhole(path), (frame) => {
    if (header === undefined) {
      header = parseFrameJson(frame) as SnapshotHeader;
      if (header?.format !== snapshotFormat) throw refuse(`format ${String(header?.format)}, not ${snapshotFormat}`);
    } else {
      records.push(decodeIn(path, frame));
    }
  });
  if (header === undefined || header.count !== count - 1) {
    throw refuse(`${count} records, ${validBytes} good bytes`);
  }
  return { revision: header.revision, records };
}
