import { crc32 } from 'node:zlib';
import type { KubeObject } from '../model/meta.js';
import type { ObjectKey, WatchEvent } from './store.js';

/**
 * The framing of every FileStore file: a little-endian u32 payload length, a
 * u32 CRC-32 of the payload, then the payload. The checksum is what tells a
 * record torn by a crash, or a tail of zeros a filesystem left, from a
 * record that was written whole.
 */
const frameHeaderBytes = 8;

/**
 * A record's payload: a u8 type code (with `clusterScoped` set when the
 * object has no namespace), its revision as a u48, the u32 length of its
 * key, the key (`recordKey`, UTF-8), then the object as JSON (nothing for a
 * delete). The binary head lets recovery index every record without parsing
 * its object: objects are parsed when first read.
 */
const recordHeadBytes = 11;
const keyStart = frameHeaderBytes + recordHeadBytes;
const typeCodes: Record<WatchEvent['type'], number> = { ADDED: 1, MODIFIED: 2, DELETED: 3 };
const typesByCode: (WatchEvent['type'] | undefined)[] = [undefined, 'ADDED', 'MODIFIED', 'DELETED'];
const clusterScoped = 0x80;

/** The first record of a snapshot file (JSON). */
export interface SnapshotHeader {
  format: typeof snapshotFormat;
  revision: number;
  count: number;
}

/** The format tag of a snapshot file's header. */
export const snapshotFormat = 'flotilla.file-store.snapshot/v2';

/**
 * One write as the log keeps it: its key and revision, and its frame. A
 * record read from disk holds the frame it was read from, which a snapshot
 * copies as it is; a record written by this process holds its object's JSON
 * text and writes its frame straight into the batch or snapshot buffer that
 * carries it (no buffer of its own). The object is parsed when first read
 * (and kept), so a reopen reads a large store without parsing every object.
 * Doubles as the MemoryStore's stored object (`revision` and `object`).
 */
export class LogRecord {
  private decoded: KubeObject | undefined;
  /** The payload's checksum, once a frame of this record has been written. */
  private checksum: number | undefined;

  private constructor(
    readonly type: WatchEvent['type'],
    readonly revision: number,
    /** The `recordKey`. */
    readonly key: string,
    readonly resource: string,
    readonly namespace: string | undefined,
    readonly name: string,
    /** The whole frame, checksum included, for a record read from disk. */
    private readonly stored: Buffer | undefined,
    /** The object's JSON, for a record written by this process ('' for a delete). */
    private readonly json: string,
    private readonly keyBytes: number,
    /** The size of the object's JSON in bytes (0 for a delete). */
    readonly jsonBytes: number,
    object: KubeObject | undefined,
  ) {
    this.decoded = object;
  }

  /**
   * Encodes a write; `object` (absent for deletes) is kept as the record's
   * object. `k` is the key's `recordKey`, when the caller has it already.
   */
  static encode(
    type: WatchEvent['type'],
    revision: number,
    key: ObjectKey,
    object?: KubeObject,
    k = recordKey(key.resource, key.namespace, key.name),
  ): LogRecord {
    const json = object === undefined ? '' : JSON.stringify(object);
    return new LogRecord(
      type,
      revision,
      k,
      key.resource,
      key.namespace,
      key.name,
      undefined,
      json,
      Buffer.byteLength(k),
      Buffer.byteLength(json),
      object,
    );
  }

  /**
   * Decodes the head of a checksummed frame (its object stays unparsed).
   *
   * @throws Error when the payload is not a record of this format.
   */
  static decode(frame: Buffer): LogRecord {
    const code = frame[frameHeaderBytes];
    const type = typesByCode[code & ~clusterScoped];
    const keyLength = frame.length >= keyStart ? frame.readUInt32LE(frameHeaderBytes + 7) : -1;
    if (type === undefined || keyLength < 0 || keyStart + keyLength > frame.length) {
      throw new Error('not a FileStore v2 record (written by another format, or damaged)');
    }
    const k = frame.toString('utf8', keyStart, keyStart + keyLength);
    const resourceEnd = k.indexOf('\u0000');
    const namespaceEnd = k.indexOf('\u0000', resourceEnd + 1);
    return new LogRecord(
      type,
      frame.readUIntLE(frameHeaderBytes + 1, 6),
      k,
      k.slice(0, resourceEnd),
      code & clusterScoped ? undefined : k.slice(resourceEnd + 1, namespaceEnd),
      k.slice(namespaceEnd + 1),
      frame,
      '',
      keyLength,
      frame.length - keyStart - keyLength,
      undefined,
    );
  }

  /** The size of the record's frame in bytes, header included. */
  get frameBytes(): number {
    return keyStart + this.keyBytes + this.jsonBytes;
  }

  /** The record's frame, checksum included (a copy for a record written by this process). */
  get frame(): Buffer {
    return this.stored ?? framesOf([this]);
  }

  /** Writes the record's frame into `buf` at `at` (room for `frameBytes` there) and returns where it ends. */
  writeFrame(buf: Buffer, at: number): number {
    if (this.stored) return at + this.stored.copy(buf, at);
    const payload = at + frameHeaderBytes;
    const objectStart = at + keyStart + this.keyBytes;
    const end = objectStart + this.jsonBytes;
    buf[payload] = typeCodes[this.type] | (this.namespace === undefined ? clusterScoped : 0);
    buf.writeUIntLE(this.revision, payload + 1, 6);
    buf.writeUInt32LE(this.keyBytes, payload + 7);
    buf.write(this.key, at + keyStart);
    if (this.jsonBytes > 0) buf.write(this.json, objectStart);
    buf.writeUInt32LE(end - payload, at);
    this.checksum ??= crc32(buf.subarray(payload, end));
    buf.writeUInt32LE(this.checksum, at + 4);
    return end;
  }

  /**
   * Gives up the object this record was encoded from, if it still holds it
   * (the writer gets it back): the record keeps only its JSON or frame and
   * parses the object from it when next read.
   */
  releaseObject(): KubeObject | undefined {
    const object = this.decoded;
    this.decoded = undefined;
    return object;
  }

  /** The object written (not for deletes), stamped with the record's revision; parsed on first use. */
  get object(): KubeObject {
    if (this.decoded === undefined) {
      const json = this.stored ? this.stored.toString('utf8', keyStart + this.keyBytes) : this.json;
      const object = JSON.parse(json) as KubeObject;
      object.metadata.resourceVersion = String(this.revision);
      this.decoded = object;
    }
    return this.decoded;
  }
}

/** The frames of `records`, one after the other, in one buffer. */
export function framesOf(records: readonly LogRecord[]): Buffer {
  let size = 0;
  for (const record of records) size += record.frameBytes;
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  for (const record of records) at = record.writeFrame(buf, at);
  return buf;
}

/** A JSON value framed with its length and checksum (a snapshot's header). */
export function frameJson(value: unknown): Buffer {
  const json = JSON.stringify(value);
  const buf = Buffer.allocUnsafe(frameHeaderBytes + Buffer.byteLength(json));
  buf.write(json, frameHeaderBytes);
  buf.writeUInt32LE(buf.length - frameHeaderBytes, 0);
  buf.writeUInt32LE(crc32(buf.subarray(frameHeaderBytes)), 4);
  return buf;
}

/** The JSON payload of a frame written by `frameJson`. */
export function parseFrameJson(frame: Buffer): unknown {
  return JSON.parse(frame.toString('utf8', frameHeaderBytes));
}

/** What `scanFrames` found: how many whole records, and where the last one ends. */
export interface FrameScan {
  count: number;
  /** Bytes from the start that hold whole, checksummed records. */
  validBytes: number;
}

/**
 * Walks the whole frames at the start of `buf`, giving each one (a view of
 * `buf`, header included) to `each` as it goes. Reading stops at the first
 * frame that is cut short or fails its checksum: what follows it was never
 * acknowledged (records are appended and synced in order), so it is a torn
 * tail, not data.
 */
export function scanFrames(buf: Buffer, each?: (frame: Buffer) => void): FrameScan {
  let count = 0;
  let offset = 0;
  while (offset + frameHeaderBytes <= buf.length) {
    const length = buf.readUInt32LE(offset);
    const end = offset + frameHeaderBytes + length;
    if (length === 0 || end > buf.length) break;
    if (crc32(buf.subarray(offset + frameHeaderBytes, end)) !== buf.readUInt32LE(offset + 4)) break;
    each?.(buf.subarray(offset, end));
    count++;
    offset = end;
  }
  return { count, validBytes: offset };
}

/** The key a FileStore indexes an object under: resource, namespace and name, NUL-separated. */
export function recordKey(resource: string, namespace: string | undefined, name: string): string {
  return `${resource}\u0000${namespace ?? ''}\u0000${name}`;
}
