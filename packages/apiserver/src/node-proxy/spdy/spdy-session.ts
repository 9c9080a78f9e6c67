import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';

/** SPDY/3 control frame types (draft-mbelshe-httpbis-spdy-00 section 2.6). */
const FRAME = { synStream: 1, synReply: 2, rstStream: 3, ping: 6, goAway: 7 } as const;
const FLAG_FIN = 0x01;
/** Largest frame body accepted; a client sending more is cut off rather than buffered. */
const MAX_FRAME_BYTES = 1 << 20;
/** Data sent per frame. */
const MAX_DATA_FRAME_BYTES = 64 * 1024;

/** One stream of a SPDY session: its headers, and a Duplex of its data frames. */
export class SpdyStream extends Duplex {
  constructor(
    readonly id: number,
    readonly headers: Record<string, string>,
    private readonly session: SpdySession,
  ) {
    super();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.session.sendData(this.id, chunk, false);
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.session.sendData(this.id, Buffer.alloc(0), true);
    done();
  }
}

/**
 * The server side of a SPDY/3.1 session, as much as Kubernetes' streaming
 * protocols use: client streams (SYN_STREAM) with their headers, answered
 * with an empty SYN_REPLY; data frames both ways with FIN; PING echoed;
 * RST_STREAM and GOAWAY end streams. Header blocks are zlib with the SPDY/3
 * dictionary, one context per direction. Flow-control windows are not
 * enforced (Kubernetes' clients do not depend on them). Emits `stream`.
 */
export class SpdySession extends EventEmitter {
  private buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflate: Inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
  private readonly deflate: Deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  /** Frames are handled one at a time: header blocks share one zlib context and must be read in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.once('close', () => this.destroyAll());
    socket.on('error', () => socket.destroy());
    this.inflate.on('error', () => socket.destroy());
  }

  /** Ends the session and every stream. */
  close(): void {
    this.socket.destroy();
  }

  /** Sends data on a stream (an empty FIN frame ends it). */
  sendData(id: number, data: Buffer, fin: boolean): void {
    if (this.socket.destroyed) return;
    let at = 0;
    do {
      const part = data.subarray(at, at + MAX_DATA_FRAME_BYTES);
      at += part.length;
      const head = Buffer.alloc(8);
      head.writeUInt32BE(id & 0x7fffffff, 0);
      head.writeUInt32BE((((fin && at >= data.length ? FLAG_FIN : 0) << 24) | part.length) >>> 0, 4);
      this.socket.write(Buffer.concat([head, part]));
    } while (at < data.length);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (length > MAX_FRAME_BYTES) {
        this.close();
        return;
      }
      if (this.buffer.length < 8 + length) return;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      this.queue = this.queue.then(() => this.handle(frame)).catch(() => this.close());
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const flags = frame[4]!;
    const body = frame.subarray(8);
    if ((frame[0]! & 0x80) === 0) {
      const stream = this.streams.get(frame.readUInt32BE(0) & 0x7fffffff);
      if (!stream) return;
      if (body.length > 0) stream.push(Buffer.from(body));
      if (flags & FLAG_FIN) stream.push(null);
      return;
    }
    const type = frame.readUInt16BE(2);
    if (type === FRAME.synStream) {
      const id = body.readUInt32BE(0) & 0x7fffffff;
      const headers = parseHeaderBlock(await this.inflateBlock(body.subarray(10)));
      const stream = new SpdyStream(id, headers, this);
      this.streams.set(id, stream);
      stream.once('close', () => this.streams.delete(id));
      await this.reply(id);
      if (flags & FLAG_FIN) stream.push(null);
      this.emit('stream', stream);
    } else if (type === FRAME.ping) {
      if (!this.socket.destroyed) this.socket.write(frame);
    } else if (type === FRAME.rstStream) {
      this.streams.get(body.readUInt32BE(0) & 0x7fffffff)?.destroy();
    } else if (type === FRAME.goAway) {
      this.close();
    }
  }

  private async reply(id: number): Promise<void> {
    const block = await this.deflateBlock(Buffer.alloc(4));
    const frame = Buffer.alloc(12);
    frame.writeUInt16BE(0x8003, 0);
    frame.writeUInt16BE(FRAME.synReply, 2);
    frame.writeUInt32BE(4 + block.length, 4);
    frame.writeUInt32BE(id, 8);
    if (!this.socket.destroyed) this.socket.write(Buffer.concat([frame, block]));
  }

  private inflateBlock(block: Buffer): Promise<Buffer> {
    return flushThrough(this.inflate, block);
  }

  private deflateBlock(block: Buffer): Promise<Buffer> {
    return flushThrough(this.deflate, block);
  }

  private destroyAll(): void {
    for (const stream of this.streams.values()) stream.destroy();
    this.streams.clear();
    this.inflate.close();
    this.deflate.close();
    this.emit('close');
  }
}

/** Writes `input` through a zlib stream and collects what a sync flush gives back. */
function flushThrough(z: Inflate | Deflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const onData = (chunk: Buffer) => out.push(chunk);
    z.on('data', onData);
    z.once('error', reject);
    z.write(input);
    z.flush(constants.Z_SYNC_FLUSH, () => {
      z.off('data', onData);
      z.off('error', reject);
      resolve(Buffer.concat(out));
    });
  });
}

/** A SPDY/3 name/value block: a count, then length-prefixed names and values (values may hold several, NUL-separated). */
function parseHeaderBlock(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let at = 4;
  const count = block.readUInt32BE(0);
  for (let i = 0; i < count; i++) {
    const nameLength = block.readUInt32BE(at);
    const name = block.toString('utf8', at + 4, at + 4 + nameLength);
    at += 4 + nameLength;
    const valueLength = block.readUInt32BE(at);
    headers[name.toLowerCase()] = block.toString('utf8', at + 4, at + 4 + valueLength).split('\0')[0] ?? '';
    at += 4 + valueLength;
  }
  return headers;
}
