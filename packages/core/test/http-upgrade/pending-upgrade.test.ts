import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { holdPendingUpgrade } from '../../src/index.js';

/** A client's socket as a proxy sees it: what the client writes comes out of the readable side. */
const clientSocket = () => new PassThrough();

describe('holdPendingUpgrade: an upgrade socket held while the upstream decides', () => {
  it('keeps the head and every byte the client sends, in order, for release()', async () => {
    const socket = clientSocket();
    const pending = holdPendingUpgrade(socket, Buffer.from('head:'), () => {});
    socket.write('one,');
    socket.write('two');
    await new Promise((resolve) => setImmediate(resolve));
    expect(pending.release().toString()).toBe('head:one,two');
  });

  it.each([
    ['ends its side', (socket: PassThrough) => socket.end()],
    ['destroys its socket', (socket: PassThrough) => socket.destroy()],
  ])('calls onAbandoned once when the client %s before release()', async (_, leave) => {
    const socket = clientSocket();
    let abandoned = 0;
    holdPendingUpgrade(socket, Buffer.alloc(0), () => abandoned++);
    leave(socket);
    await once(socket, 'close');
    expect(abandoned).toBe(1);
  });

  it('does not call onAbandoned once released: the socket is someone else’s then', async () => {
    const socket = clientSocket();
    let abandoned = 0;
    const pending = holdPendingUpgrade(socket, Buffer.alloc(0), () => abandoned++);
    pending.release();
    socket.resume();
    socket.end();
    await once(socket, 'close');
    expect(abandoned).toBe(0);
  });
});
