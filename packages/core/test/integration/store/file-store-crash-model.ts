import type { FileStoreOptions, ObjectKey } from '../../../src/index.js';

/** A write the crash-test child reported as acknowledged by the store. */
export interface AckedWrite {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  name: string;
  revision: number;
  /** Unused for deletes. */
  seq: number;
  size: number;
}

/**
 * Small enough that the 20 runs take a few snapshots, large enough that the
 * history kept across a restart covers one run's writes, so a watch resumes
 * across each restart.
 */
export const crashStoreOptions: FileStoreOptions = { historyLimit: 10_000, snapshotEvery: 10_000 };

export const writerKey = (name: string): ObjectKey => ({ resource: 'configmaps', namespace: 'default', name });

/** The data of the object written as `seq` of `name`: checkable from the ack alone. */
export function writerContent(name: string, seq: number, size: number): Record<string, string> {
  return { name, seq: String(seq), body: `${name}:${seq}:`.padEnd(size, String.fromCharCode(97 + (seq % 26))) };
}
