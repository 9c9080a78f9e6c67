import type { Duplex } from 'node:stream';

/** An upgrade request's socket held while the other side decides; see `holdPendingUpgrade`. */
export interface PendingUpgrade {
  /**
   * Stops holding: the client's going away no longer calls `onAbandoned`,
   * and its bytes are no longer collected. Returns the request's head and
   * every byte the client sent since, in order, to pass on once the
   * upgrade goes through. The socket keeps flowing: hand it to its next
   * reader before going back to the event loop (a WebSocket server's
   * `handleUpgrade`, a `pipe`), or bytes that arrive are dropped.
   */
  release(): Buffer;
}

/**
 * Holds the socket of an HTTP upgrade request while a proxy waits for the
 * upstream's answer (a node agent's, an API server's), so that a client
 * that gives up before then is noticed: `onAbandoned` runs (once) when the
 * client ends its side or the socket closes, and the proxy drops its upstream
 * connection. The socket is read meanwhile (a socket nobody reads never
 * reports its end) and what arrives is kept for `release()`; Node's HTTP
 * server keeps its sockets half-open, so a client's end comes as `end`
 * well before `close`.
 */
export function holdPendingUpgrade(socket: Duplex, head: Buffer, onAbandoned: () => void): PendingUpgrade {
  const early: Buffer[] = head.length > 0 ? [head] : [];
  const hold = (chunk: Buffer) => early.push(chunk);
  const release = (): Buffer => {
    socket.off('data', hold);
    socket.off('end', abandon);
    socket.off('close', abandon);
    return Buffer.concat(early);
  };
  const abandon = () => {
    release();
    onAbandoned();
  };
  socket.on('data', hold);
  socket.once('end', abandon);
  socket.once('close', abandon);
  return { release };
}
