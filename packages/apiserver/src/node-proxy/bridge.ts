import { WebSocket } from 'ws';

/** Bytes queued towards one side before the other side's reads are paused. */
export const MAX_BRIDGE_BUFFER_BYTES = 1024 * 1024;

/** Close codes a peer may send (RFC 6455 7.4): others (1005, 1006, 1015) only describe what happened locally. */
function sendable(code: number): boolean {
  return (
    code === 1000 || code === 1001 || code === 1003 || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
  );
}

/** Frames from `from` to `to` as they came (binary or text), pausing `from` while `to` has too much queued. */
function forward(from: WebSocket, to: WebSocket): void {
  from.on('message', (data: Buffer, isBinary: boolean) => {
    if (to.readyState !== WebSocket.OPEN) return;
    to.send(data, { binary: isBinary }, () => {
      if (from.isPaused && to.bufferedAmount <= MAX_BRIDGE_BUFFER_BYTES) from.resume();
    });
    if (to.bufferedAmount > MAX_BRIDGE_BUFFER_BYTES) from.pause();
  });
  from.once('close', (code: number, reason: Buffer) => {
    if (to.readyState === WebSocket.CLOSED) return;
    // An abrupt end on one side (a client gone mid-exec) ends the other at once: the agent then stops the process.
    if (sendable(code)) to.close(code, reason);
    else to.terminate();
  });
  from.on('error', () => from.terminate());
}

/**
 * Joins the client's WebSocket and the node agent's: every frame is passed
 * on unchanged in both directions (the channel byte included, so
 * `v5.channel.k8s.io`, `v4` and port-forward framing all pass through), with
 * backpressure, and a close on either side closes the other with the same
 * code, or drops it when the close was abnormal.
 */
export function bridgeWebSockets(client: WebSocket, agent: WebSocket): void {
  forward(client, agent);
  forward(agent, client);
}
