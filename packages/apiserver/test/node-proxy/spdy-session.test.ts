import { Duplex } from 'node:stream';
import { constants, deflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { SPDY3_DICTIONARY } from '../../src/node-proxy/spdy/spdy-dictionary.js';
import { SpdySession, type SpdyStream } from '../../src/node-proxy/spdy/spdy-session.js';

/** A socket stand-in: what the test pushes is what the session reads; what it writes is collected. */
function socketPair() {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk);
      done();
    },
  });
  return { socket, written };
}

/** A SPDY/3 control frame. */
function control(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
  return Buffer.concat([head, body]);
}

/** A SYN_STREAM for stream `id` with `headers`, compressed with the dictionary. */
function synStream(id: number, headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(Object.keys(headers).length);
  parts.push(count);
  for (const [name, value] of Object.entries(headers)) {
    for (const text of [name, value]) {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(Buffer.byteLength(text));
      parts.push(length, Buffer.from(text));
    }
  }
  const block = deflateSync(Buffer.concat(parts), {
    dictionary: SPDY3_DICTIONARY,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  const head = Buffer.alloc(10);
  head.writeUInt32BE(id, 0);
  return control(1, 0, Buffer.concat([head, block]));
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SpdySession: the SPDY/3.1 server side kubectl port-forward needs', () => {
  it('reads a stream’s headers, answers SYN_REPLY, and passes data frames both ways', async () => {
    const { socket, written } = socketPair();
    const session = new SpdySession(socket);
    const streams: SpdyStream[] = [];
    session.on('stream', (s: SpdyStream) => streams.push(s));
    socket.push(synStream(1, { streamtype: 'data', port: '80', requestid: '0' }));
    await vi.waitFor(() => expect(streams.length).toBe(1));
    expect(streams.map((s) => s.headers)).toEqual([{ streamtype: 'data', port: '80', requestid: '0' }]);
    expect(written[0]?.readUInt16BE(2)).toBe(2); // SYN_REPLY
    const data = Buffer.alloc(8);
    data.writeUInt32BE(1, 0);
    data.writeUInt32BE((0x01 << 24) | 2, 4);
    const received: Buffer[] = [];
    streams[0]!.on('data', (c: Buffer) => received.push(c));
    socket.push(Buffer.concat([data, Buffer.from('hi')]));
    await vi.waitFor(() => expect(Buffer.concat(received).toString()).toBe('hi'));
    streams[0]!.end('yo');
    await settle();
    const frame = written.at(-2)!;
    expect([frame.readUInt32BE(0), frame.subarray(8).toString()]).toEqual([1, 'yo']);
    expect(written.at(-1)![4]).toBe(0x01); // FIN
    session.close();
  });

  it.each([
    ['a frame longer than 1 MiB', control(1, 0, Buffer.alloc(0)).fill(0xff, 5, 8)],
    ['a header block that is not zlib', control(1, 0, Buffer.concat([Buffer.alloc(10), Buffer.from('not zlib')]))],
  ])('closes the connection on %s', async (_what, frame) => {
    const { socket } = socketPair();
    new SpdySession(socket);
    socket.push(frame);
    await vi.waitFor(() => expect(socket.destroyed).toBe(true));
  });
});
