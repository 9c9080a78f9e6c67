import { WebSocket } from 'ws';
import type { SpdySession, SpdyStream } from './spdy-session.js';

/** One forwarded connection: kubectl opens an error and a data stream per connection, tied by `requestid`. */
interface Connection {
  error?: SpdyStream;
  data?: SpdyStream;
}

/**
 * Kubernetes' `portforward.k8s.io` over SPDY (what kubectl speaks) served
 * from the node agent's WebSocket port-forward: for each connection kubectl
 * opens (a `data` stream and an `error` stream with the same `requestid`
 * and a `port` header), one WebSocket to the agent for that port; bytes are
 * passed both ways (the agent's channel 0 is data, channel 1 errors, and the
 * first frame on each carries the port and is dropped), and whichever side
 * ends first ends the other.
 */
export function serveSpdyPortForward(session: SpdySession, openAgent: (port: number) => WebSocket): void {
  const connections = new Map<string, Connection>();
  session.on('stream', (stream: SpdyStream) => {
    const { streamtype: type, requestid: id = '', port } = stream.headers;
    const connection = connections.get(id) ?? {};
    connections.set(id, connection);
    stream.once('close', () => {
      if (connections.get(id) === connection && !connection.data?.readable) connections.delete(id);
    });
    if (type === 'error') {
      connection.error = stream;
      stream.resume();
      return;
    }
    if (type !== 'data') return void stream.destroy();
    connection.data = stream;
    const number = Number(port);
    if (!Number.isInteger(number) || number < 1 || number > 65535) {
      connection.error?.end(`invalid port ${JSON.stringify(port)}`);
      return void stream.end();
    }
    forward(connection, stream, openAgent(number));
  });
}

function forward(connection: Connection, data: SpdyStream, agent: WebSocket): void {
  const pending: Buffer[] = [];
  const prefixSeen = [false, false];
  agent.on('open', () => {
    for (const chunk of pending.splice(0)) agent.send(Buffer.concat([Buffer.from([0]), chunk]));
  });
  data.on('data', (chunk: Buffer) => {
    if (agent.readyState === WebSocket.OPEN) agent.send(Buffer.concat([Buffer.from([0]), chunk]));
    else pending.push(chunk);
  });
  agent.on('message', (frame: Buffer) => {
    const channel = frame[0];
    if (channel !== 0 && channel !== 1) return;
    if (!prefixSeen[channel]) {
      prefixSeen[channel] = true;
      return;
    }
    const payload = frame.subarray(1);
    if (channel === 0) data.write(payload);
    else connection.error?.write(payload);
  });
  const end = () => {
    if (!data.writableEnded) data.end();
    if (connection.error && !connection.error.writableEnded) connection.error.end();
  };
  agent.once('close', end);
  agent.on('error', (err) => {
    connection.error?.write(`error forwarding port: ${err.message}`);
    end();
  });
  data.once('end', () => agent.close(1000));
  data.once('close', () => {
    if (agent.readyState !== WebSocket.CLOSED) agent.terminate();
  });
}
