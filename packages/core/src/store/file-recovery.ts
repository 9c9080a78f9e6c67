import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentName } from './file-commit-log.js';
import { type LogRecord, scanFrames } from './file-records.js';
import { decodeIn, readSnapshot, readWhole, snapshotName, writeSnapshot } from './file-snapshot.js';

/** What a FileStore directory holds once read back. */
export interface RecoveredState {
  /** The newest revision on disk: the store continues after it. */
  revision: number;
  /** The objects at `baseRevision` (the newest record of each), by `recordKey`: a snapshot with the older log records folded in. */
  objects: Map<string, LogRecord>;
  baseRevision: number;
  /** The newest records (at most the history limit) after `baseRevision`, replayed so that watches can resume from them. */
  tail: LogRecord[];
  /** The revisions of the snapshots on disk, oldest first. */
  snapshots: number[];
  /** The segment to append to, with its whole records; undefined when a new one must be created. */
  active: { path: string; validBytes: number; records: number } | undefined;
}

interface SegmentScan {
  start: number;
  path: string;
  /** The whole records, decoded up to their objects. */
  records: LogRecord[];
  validBytes: number;
}

const snapshotPattern = /^snapshot-(\d{16})\.snap$/;
const segmentPattern = /^log-(\d{16})\.wal$/;

/**
 * Reads a FileStore directory (starting an empty store in it when there is
 * none): the snapshot to start from, every log record after it, and the
 * segment to append to. A torn tail of the newest segment (a batch a crash
 * cut short, never acknowledged) is truncated; damage anywhere else is an
 * error, because it would lose acknowledged writes.
 *
 * Of the snapshots kept, the newest one with at least `historyLimit` records
 * after it is the base, so that a reopened store keeps a full watch history.
 */
export async function recoverDirectory(dir: string, historyLimit: number): Promise<RecoveredState> {
  const names = await readdir(dir);
  await Promise.all(names.filter((n) => n.endsWith('.tmp')).map((n) => rm(join(dir, n), { force: true })));
  const snapshots = revisionsOf(names, snapshotPattern);
  const segments = revisionsOf(names, segmentPattern);
  if (snapshots.length === 0) {
    if (segments.length > 0) {
      throw new Error(
        `${dir} holds log segments but no snapshot: it is damaged; restore it from a backup or an export`,
      );
    }
    // A fresh store: revisions start at 1, as a fresh etcd's do.
    await writeSnapshot(dir, 1, []);
    snapshots.push(1);
  }
  const { base, scans } = await readLog(dir, snapshots, segments, historyLimit);
  const { revision: baseRevision, records: entries } = await readSnapshot(join(dir, snapshotName(base)));
  const objects = new Map<string, LogRecord>();
  for (const e of entries) objects.set(e.key, e);

  const records: LogRecord[] = [];
  for (const scan of scans) {
    for (const record of scan.records) {
      const expected = baseRevision + records.length + 1;
      if (record.revision !== expected) {
        throw new Error(
          `${scan.path} holds revision ${record.revision} where ${expected} was expected: the directory is damaged; restore it from a backup or an export`,
        );
      }
      records.push(record);
    }
  }
  const folded = Math.max(0, records.length - historyLimit);
  for (let i = 0; i < folded; i++) fold(objects, records[i]);
  const last = scans.at(-1);
  return {
    revision: baseRevision + records.length,
    objects,
    baseRevision: baseRevision + folded,
    tail: records.slice(folded),
    snapshots,
    active: last && { path: last.path, validBytes: last.validBytes, records: last.records.length },
  };
}

/** Applies a log record to a map of objects. */
function fold(objects: Map<string, LogRecord>, r: LogRecord): void {
  if (r.type === 'DELETED') objects.delete(r.key);
  else objects.set(r.key, r);
}

function revisionsOf(names: string[], pattern: RegExp): number[] {
  return names
    .map((n) => pattern.exec(n)?.[1])
    .filter((r): r is string => r !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Chooses the base snapshot (the newest with at least `historyLimit` records
 * after it, else the oldest) and reads the segments after it, newest first,
 * so that segments older than the base are not read at all.
 */
async function readLog(
  dir: string,
  snapshots: number[],
  segments: number[],
  historyLimit: number,
): Promise<{ base: number; scans: SegmentScan[] }> {
  const scans: SegmentScan[] = [];
  let unread = segments.length;
  let records = 0;
  for (let i = snapshots.length - 1; ; i--) {
    while (unread > 0 && segments[unread - 1] > snapshots[i]) {
      unread--;
      const scan = await scanSegment(dir, segments[unread], unread === segments.length - 1);
      records += scan.records.length;
      scans.unshift(scan);
    }
    if (i === 0 || records >= historyLimit) return { base: snapshots[i], scans };
  }
}

async function scanSegment(dir: string, start: number, newest: boolean): Promise<SegmentScan> {
  const path = join(dir, segmentName(start));
  const data = await readWhole(path);
  const records: LogRecord[] = [];
  const { validBytes } = scanFrames(data, (frame) => records.push(decodeIn(path, frame)));
  if (validBytes < data.length) {
    if (!newest) {
      throw new Error(
        `${path} is damaged at byte ${validBytes} but is not the newest segment: restore the directory from a backup or an export`,
      );
    }
    await truncateTornTail(path, validBytes);
  }
  return { start, path, records, validBytes };
}

/** Cuts off a batch that a crash left half-written (it was never acknowledged). */
async function truncateTornTail(path: string, validBytes: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(validBytes);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
