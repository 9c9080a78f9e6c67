import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Api, FakeClock, MemoryStore } from '@flotilla/core';
import { ApiServer, type ApiServerOptions } from '../../src/index.js';

/** One HTTP answer: status code, headers, raw body and the body parsed as JSON when it is JSON. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  json: any;
}

/** Sends one request with Node's http client (so any method, header and body can be sent as is). */
export function send(
  url: string,
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    // Node sends DELETE bodies without chunking: the length must be given.
    const headers = { ...options.headers };
    if (options.body !== undefined && !options.chunked)
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    // The path goes as is (no URL normalisation), so `..` and odd encodings reach the server.
    const req = httpRequest({ hostname, port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    // The server may answer (413) and close before the whole body is sent.
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    req.end(options.body);
  });
}

/** An ApiServer over a fresh Api on a MemoryStore, listening on a free loopback port. */
export async function servedApi(options: Partial<ApiServerOptions> = {}) {
  const store = new MemoryStore({ historyLimit: 50 });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const api = new Api({ store, clock });
  const server = new ApiServer({ api, ...options });
  const info = await server.listen({ port: 0 });
  const json = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    send(info.url, method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'Content-Type': contentType },
    });
  return {
    api,
    store,
    clock,
    server,
    url: info.url,
    json,
    async close() {
      await server.stop();
      await api.close();
      await store.close();
    },
  };
}

/** A minimal valid pod. */
export function pod(name: string, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
  };
}
