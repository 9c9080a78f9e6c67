/**
 * The lowest floor under the ApiServer's create, for `npm run bench --
 * apiserver`: HTTP/1.1 read and written by hand on a `node:net` socket, as
 * little of it as the bench's client needs (a request's end found by its
 * Content-Length, one fixed answer form), around the same JSON parse, Api
 * create and JSON answer as the bare `node:http` floor. No HTTP server should
 * be this (no chunked bodies, no error answers, no header limits); it shows
 * what is left of a create's cost once Node's HTTP machinery is taken away,
 * so the ApiServer's figure can be read against the least any HTTP face on
 * this runtime costs.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import type { Api } from '../../packages/core/src/index.js';
import type { BareHttpFloor } from './bare-http-floor.js';

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^content-length:[ \t]*(\d+)/im;

/** Serves each request on a socket as a create of the Pod in its body, through `api`, in the default namespace. */
export async function startRawSocketFloor(api: Api): Promise<BareHttpFloor> {
  const pods = api.resource('Pod');
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const headEnd = pending.indexOf(HEAD_END);
        if (headEnd < 0) return;
        const length = Number(CONTENT_LENGTH.exec(pending.toString('latin1', 0, headEnd))?.[1] ?? 0);
        const end = headEnd + HEAD_END.length + length;
        if (pending.length < end) return;
        const pod = JSON.parse(pending.toString('utf8', headEnd + HEAD_END.length, end));
        pending = pending.subarray(end);
        pod.metadata.namespace = 'default';
        pods.create(pod).then((created) => {
          const text = JSON.stringify(created);
          socket.write(
            `HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
          );
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
