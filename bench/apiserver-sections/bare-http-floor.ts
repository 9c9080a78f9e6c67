/**
 * The floor under the ApiServer's create, for `npm run bench -- apiserver`:
 * a bare `node:http` server that does only what any HTTP face of the Api
 * must do for a create (read the body, parse it, make the same Api create,
 * encode the answer, send it) and nothing Kubernetes' protocol adds
 * (routing, authentication, authorization, managedFields, field
 * validation, protection). Its CPU per create is what Node's HTTP server
 * and JSON cost on this machine beside the in-process create.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from '../../packages/core/src/index.js';

/** A running floor server: its base URL and how to stop it. */
export interface BareHttpFloor {
  url: string;
  close(): Promise<void>;
}

/** Serves `POST /api/v1/namespaces/<namespace>/pods` as a create of the Pod in the body, through `api`. */
export async function startBareHttpFloor(api: Api): Promise<BareHttpFloor> {
  const pods = api.resource('Pod');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const pod = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      pod.metadata.namespace = req.url?.split('/')[4];
      pods.create(pod).then(
        (created) => {
          const text = JSON.stringify(created);
          res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(err.message);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
