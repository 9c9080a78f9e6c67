import { open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentName } from './file-commit-log.js';
import { type LogRecord, recordKey, type SnapshotEntry, scanFrames } from './file-records.js';
import { readSnapshot, snapshotName, writeSnapshot } from './file-snapshot.js';

/** What a FileStore directory holds once read back. */
export interface RecoveredState {
  /** The newest revision on disk: the store continues after it. */
  revision: number;
  /** The objects at `baseRevision`, by `recordKey`: a snapshot with the older log records folded in. */
  objects: Map<string, SnapshotEntry>;
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
  /** The file's bytes up to `validBytes`, parsed only if the segment is replayed. */
  data: Buffer;
  records: number;
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
  const scans = await scanSegments(
    dir,
    segments.filter((s) => s > snapshots[0]),
  );
  const base = chooseBase(snapshots, scans, historyLimit);
  const { revision: baseRevision, entries } = await readSnapshot(join(dir, snapshotName(base)));
  const objects = new Map<string, SnapshotEntry>();
  for (const e of entries) objects.set(recordKey(e.resource, e.namespace, e.name), e);

  const records: LogRecord[] = [];
  for (const scan of scans) {
    if (scan.start <= base) continue;
    scanFrames(scan.data, (payload) => {
      const record = payload as LogRecord;
      const expected = baseRevision + records.length + 1;
      if (record.revision !== expected) {
        throw new Error(
          `${scan.path} holds revision ${record.revision} where ${expected} was expected: the directory is damaged; restore it from a backup or an export`,
        );
      }
      if (record.object) record.object.metadata.resourceVersion = String(record.revision);
      records.push(record);
    });
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
    active: last && { path: last.path, validBytes: last.validBytes, records: last.records },
  };
}

/** Applies a log record to a map of objects. */
function fold(objects: Map<string, SnapshotEntry>, r: LogRecord): void {
  const key = recordKey(r.resource, r.namespace, r.name);
  if (r.type === 'DELETED' || !r.object) objects.delete(key);
  else objects.set(key, { resource: r.resource, namespace: r.namespace, name: r.name, object: r.object });
}

function revisionsOf(names: string[], pattern: RegExp): number[] {
  return names
    .map((n) => pattern.exec(n)?.[1])
    .filter((r): r is string => r !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

async function scanSegments(dir: string, starts: number[]): Promise<SegmentScan[]> {
  const scans: SegmentScan[] = [];
  for (const [i, start] of starts.entries()) {
    const path = join(dir, segmentName(start));
    const data = await readFile(path);
    const { count, validBytes } = scanFrames(data);
    if (validBytes < data.length) {
      if (i < starts.length - 1) {
        throw new Error(
          `${path} is damaged at byte ${validBytes} but is not the newest segment: restore the directory from a backup or an export`,
        );
      }
      await truncateTornTail(path, validBytes);
    }
    scans.push({ start, path, data: data.subarray(0, validBytes), records: count, validBytes });
  }
  return scans;
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

function chooseBase(snapshots: number[], scans: SegmentScan[], historyLimit: number): number {
  for (let i = snapshots.length - 1; i > 0; i--) {
    let after = 0;
    for (const scan of scans) if (scan.start > snapshots[i]) after += scan.records;
    if (after >= historyLimit) return snapshots[i];
  }
  return snapshots[0];
}
