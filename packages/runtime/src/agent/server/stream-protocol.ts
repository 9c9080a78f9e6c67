import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { StreamSession, TerminalSize } from '../../cri/streaming.js';

/** Kubernetes' channel subprotocols over WebSocket, newest first (v5 adds the close-stdin signal). */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

/** The channel byte that starts each binary frame (`remotecommand` stream ids). */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 } as const;

/** Output frames in flight to one client before its streams are paused: a slow or stalled client holds the process, not the agent's memory. */
export const MAX_IN_FLIGHT_BYTES = 256 * 1024;

/**
 * Sends a Readable's chunks as WebSocket frames (`frame` adds the channel byte), pausing the stream
 * while more than `MAX_IN_FLIGHT_BYTES` are queued in the socket (the send
 * callbacks say when bytes have left). Resolves when the stream ends.
 */
export function pumpToChannel(ws: WebSocket, stream: Readable, frame: (chunk: Buffer) => Buffer): Promise<void> {
  return new Promise((resolve) => {
    let inFlight = 0;
    stream.on('data', (chunk: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      const data = frame(chunk);
      inFlight += data.length;
      if (inFlight > MAX_IN_FLIGHT_BYTES) stream.pause();
      ws.send(data, { binary: true }, () => {
        inFlight -= data.length;
        if (inFlight <= MAX_IN_FLIGHT_BYTES && stream.isPaused()) stream.resume();
      });
    });
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}

/** The Status the last frame carries: Success, or Failure with reason NonZeroExitCode and the code as the ExitCode cause. */
export function exitStatus(exitCode: number): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** A Failure status for a session that could not start (no such container, runtime error). */
export function errorStatus(message: string, reason = 'InternalError', code = 500): object {
  return { metadata: {}, status: 'Failure', message, reason, code };
}

/**
 * Runs an exec or attach session over a WebSocket speaking
 * `v5.channel.k8s.io` or `v4.channel.k8s.io`: stdin frames (channel 0) go
 * to the process, resize frames (4, `{"Width","Height"}`) to its terminal,
 * a v5 close frame (255, then 0) ends stdin; stdout (1) and stderr (2) come
 * back with backpressure; once both have ended the exit status (3) is sent
 * and the socket closed with 1000. A client that goes away closes the
 * session, which kills the process if it still runs. The socket is expected
 * paused while the session was set up; it is resumed here.
 */
export async function serveStreamSession(ws: WebSocket, session: StreamSession): Promise<void> {
  const v5 = ws.protocol === CHANNEL_PROTOCOLS[0];
  let closedByClient = false;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const bytes = isBinary ? data : Buffer.from(data);
    if (bytes.length === 0) return;
    const payload = bytes.subarray(1);
    switch (bytes[0]) {
      case Channel.stdin:
        if (session.stdin && !session.stdin.writableEnded && payload.length > 0) session.stdin.write(payload);
        break;
      case Channel.resize:
        void resize(session, payload);
        break;
      case Channel.close:
        if (v5 && payload[0] === Channel.stdin) session.stdin?.end();
        break;
    }
  });
  ws.once('close', () => {
    closedByClient = true;
    void session.close();
  });
  ws.resume();
  // A client gone while the session was set up: its close was already seen.
  if (ws.readyState === ws.CLOSED) {
    closedByClient = true;
    void session.close();
  }
  const frame = (channel: number) => (chunk: Buffer) => Buffer.concat([Buffer.from([channel]), chunk]);
  await Promise.all([
    pumpToChannel(ws, session.stdout, frame(Channel.stdout)),
    pumpToChannel(ws, session.stderr, frame(Channel.stderr)),
  ]);
  const code = await session.exitCode;
  if (closedByClient || ws.readyState !== ws.OPEN) return;
  ws.send(frame(Channel.status)(Buffer.from(JSON.stringify(exitStatus(code)))), { binary: true });
  ws.close(1000);
}

async function resize(session: StreamSession, payload: Buffer): Promise<void> {
  try {
    const size = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
    const next: TerminalSize = { width: Number(size.Width) || 0, height: Number(size.Height) || 0 };
    if (next.width > 0 && next.height > 0) await session.resize(next);
  } catch {
    // A malformed resize is ignored, as the kubelet's terminal queue drops what it cannot decode.
  }
}
