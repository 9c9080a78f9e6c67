import type { WebSocket } from 'ws';
import type { PortStream } from '../../cri/streaming.js';
import { pumpToChannel } from './stream-protocol.js';

/** Subprotocols of the kubelet's WebSocket port-forward (one data and one error channel per port). */
export const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'] as const;

const portPrefix = (port: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
};

/**
 * Serves `?port=A&port=B...` over one WebSocket as the kubelet does: port i
 * has data channel 2i and error channel 2i+1, and the first frame the server
 * sends on each carries the port as a little-endian uint16. Client frames on
 * a data channel go to that port's stream; the socket closes once every
 * port's stream has ended, and closing the socket ends them all.
 */
export async function servePortForward(
  ws: WebSocket,
  ports: number[],
  open: (port: number) => Promise<PortStream>,
): Promise<void> {
  const streams: (PortStream | undefined)[] = [];
  const pending: Buffer[][] = ports.map(() => []);
  ws.on('message', (data: Buffer) => {
    const channel = data[0];
    if (channel === undefined || channel % 2 !== 0) return;
    const index = channel / 2;
    const payload = data.subarray(1);
    const stream = streams[index];
    if (stream) stream.write(payload);
    else pending[index]?.push(payload);
  });
  ws.once('close', () => {
    for (const s of streams) s?.destroy();
  });
  ws.resume();
  const send = (channel: number, bytes: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), bytes]), { binary: true });
  };
  await Promise.all(
    ports.map(async (port, i) => {
      send(2 * i, portPrefix(port));
      send(2 * i + 1, portPrefix(port));
      let stream: PortStream;
      try {
        stream = await open(port);
      } catch (err) {
        send(2 * i + 1, Buffer.from(`error forwarding port ${port}: ${(err as Error).message}`));
        return;
      }
      streams[i] = stream;
      stream.on('error', (err) => send(2 * i + 1, Buffer.from(`error forwarding port ${port}: ${err.message}`)));
      for (const chunk of pending[i].splice(0)) stream.write(chunk);
      await pumpToChannel(ws, stream, (chunk) => Buffer.concat([Buffer.from([2 * i]), chunk]));
    }),
  );
  if (ws.readyState === ws.OPEN) ws.close(1000);
}
