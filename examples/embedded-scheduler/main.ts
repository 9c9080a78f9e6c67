/**
 * The embedded-scheduler example: `npx tsx examples/embedded-scheduler/main.ts [--serve]`.
 * A job-dispatch HTTP service that places jobs with `@flotilla/scheduler`'s
 * `simulate()`; without `--serve` it runs a short demo against itself and exits.
 */
import { startDispatchServer } from './dispatch-server.js';

const server = await startDispatchServer({ port: Number(process.env.PORT ?? 0) });
console.log(`job dispatch listening on ${server.url}`);

async function call(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  console.log(`${method} ${path} -> ${res.status} ${await res.text()}`);
}

if (process.argv.includes('--serve')) {
  process.once('SIGINT', () => void server.close());
} else {
  await call('POST', '/workers', { name: 'gpu-1', cpu: '8', memory: '32Gi', labels: { accelerator: 'gpu' } });
  await call('POST', '/workers', { name: 'cpu-1', cpu: '4', memory: '8Gi' });
  await call('POST', '/jobs', { name: 'train', cpu: '6', memory: '16Gi', requireWorkerLabels: { accelerator: 'gpu' } });
  await call('POST', '/jobs', { name: 'etl-a', cpu: '1', memory: '1Gi', labels: { app: 'etl' } });
  await call('POST', '/jobs', {
    name: 'etl-b',
    cpu: '1',
    memory: '1Gi',
    labels: { app: 'etl' },
    apartFrom: { app: 'etl' },
  });
  await call('POST', '/jobs', { name: 'huge', cpu: '16', memory: '1Gi' });
  await call('GET', '/jobs');
  await server.close();
}
