import { request } from 'node:https';
import WebSocket from 'ws';

/** How a test reaches a node agent's API: its port, the certificate to trust, a token. */
export interface AgentEndpoint {
  port: number;
  ca: string;
  token?: string;
  /** A client certificate and key to present instead of (or beside) the token. */
  clientCert?: { cert: string; key: string };
}

const auth = (e: AgentEndpoint) => (e.token ? { Authorization: `Bearer ${e.token}` } : {});
const tls = (e: AgentEndpoint) => ({ ca: e.ca, ...(e.clientCert ?? {}) });

/** A GET answered whole: status and body. */
export function get(e: AgentEndpoint, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: e.port, path, headers: auth(e), ...tls(e), servername: 'localhost' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A streaming GET: calls `onText` per chunk; `close()` disconnects. */
export function stream(
  e: AgentEndpoint,
  path: string,
  onText: (text: string) => void,
): { close(): void; done: Promise<number> } {
  let close = () => {};
  const done = new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: e.port, path, headers: auth(e), ...tls(e), servername: 'localhost' },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', onText);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('close', () => resolve(res.statusCode ?? 0));
      },
    );
    close = () => req.destroy();
    req.on('error', (err) => (req.destroyed ? resolve(0) : reject(err)));
    req.end();
  });
  return { close: () => close(), done };
}

/** What an exec over the channel protocol gave back. */
export interface ChannelResult {
  stdout: string;
  stderr: string;
  status?: { status: string; reason?: string; details?: { causes?: { reason: string; message: string }[] } };
  closeCode: number;
}

/** Opens an exec / attach WebSocket (`v5.channel.k8s.io` unless told otherwise). */
export function openChannel(e: AgentEndpoint, path: string, protocol = 'v5.channel.k8s.io'): WebSocket {
  return new WebSocket(`wss://localhost:${e.port}${path}`, [protocol], { headers: auth(e), ...tls(e) });
}

/** Collects an exec session's frames until the server closes it; `stdin` chunks are sent once open, then (v5) close-stdin. */
export function runChannel(
  ws: WebSocket,
  stdin: string[] = [],
  onStdout?: (bytes: number) => void,
): Promise<ChannelResult> {
  const result: ChannelResult = { stdout: '', stderr: '', closeCode: 0 };
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      for (const s of stdin) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(s)]));
      if (stdin.length > 0 && ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (data: Buffer) => {
      const payload = data.subarray(1);
      if (data[0] === 1) {
        if (onStdout) onStdout(payload.length);
        else result.stdout += payload.toString('utf8');
      } else if (data[0] === 2) result.stderr += payload.toString('utf8');
      else if (data[0] === 3) result.status = JSON.parse(payload.toString('utf8'));
    });
    ws.on('close', (code) => resolve({ ...result, closeCode: code }));
    ws.on('error', reject);
  });
}

/** `?command=a&command=b...` plus flags. */
export function execQuery(cmd: string[], flags: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const c of cmd) q.append('command', c);
  for (const [k, v] of Object.entries(flags)) q.append(k, v);
  return q.toString();
}
