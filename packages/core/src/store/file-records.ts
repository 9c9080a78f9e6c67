import { crc32 } from 'node:zlib';
import type { KubeObject } from '../model/meta.js';
import type { WatchEvent } from './store.js';

/**
 * The framing of every FileStore file: a little-endian u32 payload length, a
 * u32 CRC-32 of the payload, then the payload (UTF-8 JSON). The checksum is
 * what tells a record torn by a crash, or a tail of zeros a filesystem left,
 * from a record that was written whole.
 */
const headerBytes = 8;

/** One write as the log keeps it; `object` carries its `resourceVersion` (absent for deletes). */
export interface LogRecord {
  revision: number;
  type: WatchEvent['type'];
  resource: string;
  namespace?: string;
  name: string;
  object?: KubeObject;
}

/** One object in a snapshot. */
export interface SnapshotEntry {
  resource: string;
  namespace?: string;
  name: string;
  object: KubeObject;
}

/** The first record of a snapshot file. */
export interface SnapshotHeader {
  format: typeof snapshotFormat;
  revision: number;
  count: number;
}

/** The format tag of a snapshot file's header. */
export const snapshotFormat = 'flotilla.file-store.snapshot/v1';

/** A JSON value framed with its length and checksum. */
export function frame(value: unknown): Buffer {
  const json = JSON.stringify(value);
  const length = Buffer.byteLength(json);
  const buf = Buffer.allocUnsafe(headerBytes + length);
  buf.write(json, headerBytes);
  buf.writeUInt32LE(length, 0);
  buf.writeUInt32LE(crc32(buf.subarray(headerBytes)), 4);
  return buf;
}

/** What `scanFrames` found: how many whole records, and where the last one ends. */
export interface FrameScan {
  count: number;
  /** Bytes from the start that hold whole, checksummed records. */
  validBytes: number;
}

/**
 * Walks the whole records at the start of `buf`, giving each one's parsed
 * payload to `each` (when given) as it goes, so that no view of the file
 * outlives its record. Reading stops at the first record that is cut short
 * or fails its checksum: what follows it was never acknowledged (records are
 * appended and synced in order), so it is a torn tail, not data.
 */
export function scanFrames(buf: Buffer, each?: (payload: unknown) => void): FrameScan {
  let count = 0;
  let offset = 0;
  while (offset + headerBytes <= buf.length) {
    const length = buf.readUInt32LE(offset);
    const end = offset + headerBytes + length;
    if (length === 0 || end > buf.length) break;
    if (crc32(buf.subarray(offset + headerBytes, end)) !== buf.readUInt32LE(offset + 4)) break;
    each?.(JSON.parse(buf.toString('utf8', offset + headerBytes, end)));
    count++;
    offset = end;
  }
  return { count, validBytes: offset };
}

/** The key a FileStore indexes an object under: resource, namespace and name, NUL-separated. */
export function recordKey(resource: string, namespace: string | undefined, name: string): string {
  return `${resource}\u0000${namespace ?? ''}\u0000${name}`;
}
