import { connect, createServer, type Server } from 'node:net';

/** A backend that writes its name to every connection and closes it. */
export async function nameServer(name: string, host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end(name));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('name server has no port');
  return { server, port: address.port };
}

/** Connects, reads until the server closes, and returns what it said; rejects with the socket error (code). */
export function readAll(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    socket.on('data', (b: Buffer) => {
      data += b.toString();
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

/** Closes servers, waiting for them. */
export async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
}
