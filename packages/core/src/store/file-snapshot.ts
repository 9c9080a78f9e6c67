import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStoreWriteError, syncDirectory } from './file-commit-log.js';
import { frame, type SnapshotEntry, type SnapshotHeader, scanFrames, snapshotFormat } from './file-records.js';

/** The name of the snapshot of the store at `revision`. */
export function snapshotName(revision: number): string {
  return `snapshot-${String(revision).padStart(16, '0')}.snap`;
}

/** Entries framed per write call: large enough to keep syscalls few, small enough to yield between. */
const entriesPerChunk = 2000;

/**
 * Writes the objects of the store at `revision` as a snapshot file,
 * atomically: into a temporary file, synced, then renamed into place and the
 * directory synced. A crash at any point leaves either no snapshot of that
 * revision or a whole one. The entries must not change while this runs.
 *
 * @throws FileStoreWriteError when the disk refuses (the temporary file is removed).
 */
export async function writeSnapshot(dir: string, revision: number, entries: readonly SnapshotEntry[]): Promise<void> {
  const path = join(dir, snapshotName(revision));
  const tmp = `${path}.tmp`;
  try {
    const handle = await open(tmp, 'w');
    try {
      const header: SnapshotHeader = { format: snapshotFormat, revision, count: entries.length };
      await handle.write(frame(header));
      for (let i = 0; i < entries.length; i += entriesPerChunk) {
        await handle.write(Buffer.concat(entries.slice(i, i + entriesPerChunk).map(frame)));
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

/**
 * Reads a snapshot written by `writeSnapshot`.
 *
 * @throws Error naming the file when it is not a whole snapshot (it was
 * written atomically, so this means the disk or someone else changed it).
 */
export async function readSnapshot(path: string): Promise<{ revision: number; entries: SnapshotEntry[] }> {
  let header: SnapshotHeader | undefined;
  const entries: SnapshotEntry[] = [];
  const { count, validBytes } = scanFrames(await readFile(path), (payload) => {
    if (header) entries.push(payload as SnapshotEntry);
    else header = payload as SnapshotHeader;
  });
  if (header?.format !== snapshotFormat || header.count !== count - 1) {
    throw new Error(
      `${path} is not a whole FileStore snapshot (${count} records, ${validBytes} good bytes): ` +
        'restore the directory from a backup or an export',
    );
  }
  return { revision: header.revision, entries };
}
