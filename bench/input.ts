/**
 * `npm run bench -- input`: how long one hostile write holds the event loop
 * (issue 18: "no request blocks the event loop for more than 50 ms"). Each
 * request is built first, then timed alone with `performance.now()` and
 * `process.cpuUsage()`, 5 repetitions; the figure is the median. Beside each
 * big map stands its floor, measured in the same run: the CPU time of
 * `JSON.parse` of the same body, the least any receiver of it pays (the HTTP
 * path parses it before the Api sees it), and the ratio of the two.
 */
import { performance } from 'node:perf_hooks';
import { Api, MemoryStore } from '../packages/core/src/index.js';
import { type BenchRow, percentile, report } from './report.js';

const REPETITIONS = 5;
const TWO_MIB = 'x'.repeat(2 * 1024 * 1024);

/** A map of `n` entries; 4-character keys, so 300,000 empty-valued entries fit in the 3 MiB input limit. */
function map(n: number, key: (i: number) => string, value: unknown): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) m[key(i)] = value;
  return m;
}
const validKey = (i: number) => i.toString(36).padStart(4, '0');
const invalidKey = (i: number) => `-${i.toString(36).padStart(4, '0')}`;

function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

const pod = (name: string, metadata: object = {}, spec: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ...metadata },
  spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
});

interface HostileRequest {
  /** The figure's name. */
  name: string;
  kind: string;
  body: (name: string) => object;
  /** A big map: its `JSON.parse` floor is measured beside it. */
  bigMap?: boolean;
}

const requests: HostileRequest[] = [
  { name: 'labels_300k_valid', kind: 'Pod', body: (n) => pod(n, { labels: map(300_000, validKey, '') }), bigMap: true },
  {
    name: 'labels_65k_valid_stored',
    kind: 'Pod',
    body: (n) => pod(n, { labels: map(65_000, validKey, '') }),
    bigMap: true,
  },
  {
    name: 'labels_250k_invalid_keys',
    kind: 'Pod',
    body: (n) => pod(n, { labels: map(250_000, invalidKey, '') }),
    bigMap: true,
  },
  {
    name: 'labels_250k_wrong_typed',
    kind: 'Pod',
    body: (n) => pod(n, { labels: map(250_000, validKey, 1) }),
    bigMap: true,
  },
  {
    name: 'annotations_300k',
    kind: 'Pod',
    body: (n) => pod(n, { annotations: map(300_000, validKey, '') }),
    bigMap: true,
  },
  {
    name: 'nodeSelector_300k',
    kind: 'Pod',
    body: (n) => pod(n, {}, { nodeSelector: map(300_000, validKey, '') }),
    bigMap: true,
  },
  {
    name: 'configmap_data_300k',
    kind: 'ConfigMap',
    body: (n) => ({ metadata: { name: n, namespace: 'default' }, data: map(300_000, validKey, '') }),
    bigMap: true,
  },
  { name: 'labels_400k_over_3MiB', kind: 'Pod', body: (n) => pod(n, { labels: map(400_000, validKey, '') }) },
  { name: 'annotations_as_2MiB_string', kind: 'Pod', body: (n) => pod(n, { annotations: TWO_MIB }) },
  { name: 'annotation_value_2MiB', kind: 'Pod', body: (n) => pod(n, { annotations: { a: TWO_MIB } }) },
  {
    name: 'label_key_2MiB_dashes',
    kind: 'Pod',
    body: (n) => pod(n, { labels: { [`a${'-'.repeat(2 << 20)}a`]: 'v' } }),
  },
  {
    name: 'secret_stringData_2MiB',
    kind: 'Secret',
    body: (n) => ({ metadata: { name: n, namespace: 'default' }, stringData: { a: TWO_MIB } }),
  },
  { name: 'unknown_field_8000_deep', kind: 'Pod', body: (n) => ({ ...pod(n), extra: nested(8000) }) },
];

/** Wall and CPU milliseconds of `run`. */
async function timed(run: () => Promise<unknown> | unknown): Promise<{ wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const rows: BenchRow[] = [];
const api = new Api({ store: new MemoryStore() });
await api.resource('Pod').create(pod('warm-up', { labels: { app: 'web' } }) as never);
let worst = 0;
for (const request of requests) {
  const walls: number[] = [];
  const cpus: number[] = [];
  const floors: number[] = [];
  let outcome = '';
  for (let r = 0; r < REPETITIONS; r++) {
    const body = request.body(`${request.name.replaceAll('_', '-').toLowerCase()}-${r}`);
    if (request.bigMap) {
      const text = JSON.stringify(body);
      floors.push((await timed(() => JSON.parse(text))).cpu);
    }
    const time = await timed(() =>
      api
        .resource(request.kind)
        .create(body as never)
        .then(
          () => {
            outcome = 'stored';
          },
          (err: Error) => {
            outcome = err.constructor.name;
          },
        ),
    );
    walls.push(time.wall);
    cpus.push(time.cpu);
  }
  const wall = percentile(walls, 50);
  const cpu = percentile(cpus, 50);
  worst = Math.max(worst, wall);
  console.log(`${request.name}: ${outcome}; wall ${walls.map((w) => w.toFixed(0)).join(' ')} ms`);
  rows.push({ figure: `${request.name}.wall_ms`, value: wall, unit: 'ms', target: '<= 50' });
  rows.push({ figure: `${request.name}.cpu_ms`, value: cpu, unit: 'ms' });
  if (request.bigMap) {
    const floor = percentile(floors, 50);
    rows.push({ figure: `${request.name}.json_parse_floor_cpu_ms`, value: floor, unit: 'ms' });
    rows.push({ figure: `${request.name}.cpu_x_floor`, value: cpu / floor, unit: 'ratio' });
  }
}
rows.push({ figure: 'worst_request.wall_ms', value: worst, unit: 'ms', target: '<= 50' });
await api.close();
report('input', rows);
