/**
 * `npm run bench -- input`: how long one write holds the event loop, whatever
 * its shape (issue 18: "no request blocks the event loop for more than 50
 * ms"; the write budget `maxInputEntries`/`maxBodyEntries`, default 16,000
 * entries). Each body is built first, then timed alone, 5 repetitions,
 * median; the load average stands beside every row. Three clocks, CPU time
 * (the machine is shared): `main`, the CPU time of the main thread, the one
 * that runs the event loop (the process's less its other threads'); `cpu`,
 * the whole process (`process.cpuUsage()`), which adds the garbage
 * collector's helper threads and so bounds `main` from above; `gc wall`,
 * the wall-clock time of the collector's pauses of the main thread (a
 * loaded machine stretches it; on a quiet one it is part of `main`).
 *
 * Three sections:
 * - `api`: a request from its text, as any receiver of bytes pays it: the
 *   shape scan (`bodyShapeProblem`), `JSON.parse`, then `Api.create`. Beside
 *   each, its floor in the same run: the CPU of `JSON.parse` of the same text.
 * - `http`: the same bodies POSTed to an `ApiServer` in this process over
 *   loopback (the scan, parse, managedFields, the Api, the response), and YAML
 *   server-side apply bodies. CPU of the whole process over the request.
 * - `in_process`: `Api.create` of an object the caller built (no text). A
 *   huge map is refused at the budget, but V8 lists all its keys first:
 *   beside each such row, its floor measured in the same run on an object of
 *   the same shape, one `Object.keys` of its biggest object, and the ratio.
 *   The caller built that object on the same event loop; the Api cannot hold
 *   the loop for less than V8 takes to list its keys.
 *
 * `worstMainThreadMs` and `worstCpuMs` are the worst medians of `api` and
 * `http` (target <= 50 ms; the event loop is held for `main`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { ApiServer } from '../packages/apiserver/src/index.js';
import { bodyShapeProblem } from '../packages/apiserver/src/rest/body-entries.js';
import {
  Api,
  BIG_OBJECT_MEMBER_WEIGHT,
  BIG_OBJECT_MEMBERS,
  DEFAULT_MAX_INPUT_ENTRIES,
  MemoryStore,
} from '../packages/core/src/index.js';
import { bigMap, bigPod, containersWithEnv, realBigObjects } from '../packages/core/test/api/big-inputs.js';
import { type BenchRow, percentile, report } from './report.js';

const REPETITIONS = 5;
const BUDGET = DEFAULT_MAX_INPUT_ENTRIES;
const TWO_MIB = 'x'.repeat(2 * 1024 * 1024);
const invalidKey = (i: number) => `-${i.toString(36).padStart(4, '0')}`;
const load = () => loadavg()[0]!.toFixed(1);

function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

const configMap = (name: string, members: object) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  ...members,
});

/** Resource limits of `n` extended resources, valid: `example.com/r0000: '1'`. */
const extendedLimits = (n: number) => bigMap(n, '1', (i) => `example.com/r${i.toString(36).padStart(4, '0')}`);

interface Shape {
  name: string;
  kind: string;
  body: (name: string) => object;
  /** The body's text, where JSON.stringify cannot write it (nesting past V8's stack). */
  text?: (name: string) => string;
}

const textOf = (shape: Shape, name: string) => shape.text?.(name) ?? JSON.stringify(shape.body(name));

/** What one object of `members` members costs in the budget (big objects' members weighted). */
const objectCost = (members: number) =>
  Math.min(members, BIG_OBJECT_MEMBERS) + Math.max(0, members - BIG_OBJECT_MEMBERS) * BIG_OBJECT_MEMBER_WEIGHT;
/** The most members one map may have in a body whose other entries cost `overhead`. */
const mapAtBudget = (overhead: number) =>
  BIG_OBJECT_MEMBERS + Math.floor((BUDGET - overhead - BIG_OBJECT_MEMBERS) / BIG_OBJECT_MEMBER_WEIGHT);
/** A Pod's entries besides one map (apiVersion, kind, metadata, name, namespace, the map's own member; spec ... image). */
const AT_BUDGET = mapAtBudget(11);
/** Containers of `perMap`-member limits (5 entries each besides the map) that fit the budget. */
const limitMaps = (perMap: number) => Math.floor((BUDGET - 7) / (5 + objectCost(perMap)));

const shapes: Shape[] = [
  // One huge map, far over the budget (the second session's rows).
  { name: 'labels_300k_valid', kind: 'Pod', body: (n) => bigPod(n, { labels: bigMap(300_000) }) },
  {
    name: 'labels_250k_invalid_keys',
    kind: 'Pod',
    body: (n) => bigPod(n, { labels: bigMap(250_000, '', invalidKey) }),
  },
  { name: 'labels_250k_wrong_typed', kind: 'Pod', body: (n) => bigPod(n, { labels: bigMap(250_000, 1) }) },
  { name: 'annotations_300k', kind: 'Pod', body: (n) => bigPod(n, { annotations: bigMap(300_000) }) },
  { name: 'nodeSelector_300k', kind: 'Pod', body: (n) => bigPod(n, {}, { nodeSelector: bigMap(300_000) }) },
  { name: 'configmap_data_300k', kind: 'ConfigMap', body: (n) => configMap(n, { data: bigMap(300_000) }) },
  // Spread over many small objects and lists, far over the budget.
  {
    name: 'env_300_containers_x100',
    kind: 'Pod',
    body: (n) => bigPod(n, {}, { containers: containersWithEnv(300, 100) }),
  },
  {
    name: 'list_of_300k_empty_objects',
    kind: 'ConfigMap',
    body: (n) => configMap(n, { extra: Array(300_000).fill({}) }),
  },
  { name: 'list_of_1M_numbers', kind: 'ConfigMap', body: (n) => configMap(n, { extra: Array(1_000_000).fill(0) }) },
  {
    name: 'unknown_field_8000_deep',
    kind: 'Pod',
    body: (n) => ({ ...bigPod(n), extra: nested(8000) }),
    text: (n) => `${JSON.stringify(bigPod(n)).slice(0, -1)},"extra":${'{"a":'.repeat(7999)}{}${'}'.repeat(7999)}}`,
  },
  // Just under the budget: the costliest requests still accepted (or refused by validation, not by the budget).
  { name: 'labels_at_budget', kind: 'Pod', body: (n) => bigPod(n, { labels: bigMap(AT_BUDGET) }) },
  {
    name: 'labels_at_budget_invalid_keys',
    kind: 'Pod',
    body: (n) => bigPod(n, { labels: bigMap(AT_BUDGET, '', invalidKey) }),
  },
  { name: 'annotations_at_budget', kind: 'Pod', body: (n) => bigPod(n, { annotations: bigMap(AT_BUDGET) }) },
  { name: 'nodeSelector_at_budget', kind: 'Pod', body: (n) => bigPod(n, {}, { nodeSelector: bigMap(AT_BUDGET) }) },
  { name: 'configmap_data_at_budget', kind: 'ConfigMap', body: (n) => configMap(n, { data: bigMap(mapAtBudget(8)) }) },
  {
    name: 'env_containers_x100_at_budget',
    kind: 'Pod',
    body: (n) => bigPod(n, {}, { containers: containersWithEnv(Math.floor((BUDGET - 7) / 304), 100) }),
  },
  ...[BIG_OBJECT_MEMBERS, 64, 990].map((perMap) => ({
    name: `limits_maps_x${perMap}_at_budget`,
    kind: 'Pod',
    body: (n: string) =>
      bigPod(
        n,
        {},
        {
          containers: Array.from({ length: limitMaps(perMap) }, (_, c) => ({
            name: `c${c}`,
            image: 'nginx',
            resources: { limits: extendedLimits(perMap) },
          })),
        },
      ),
  })),
  {
    name: 'list_of_empty_objects_at_budget',
    kind: 'ConfigMap',
    body: (n) => configMap(n, { extra: Array(BUDGET - 10).fill({}) }),
  },
  { name: 'unknown_field_999_deep', kind: 'Pod', body: (n) => ({ ...bigPod(n), extra: nested(999) }) },
  // Long strings: few entries, many bytes.
  { name: 'annotations_as_2MiB_string', kind: 'Pod', body: (n) => bigPod(n, { annotations: TWO_MIB }) },
  { name: 'annotation_value_2MiB', kind: 'Pod', body: (n) => bigPod(n, { annotations: { a: TWO_MIB } }) },
  {
    name: 'label_key_2MiB_dashes',
    kind: 'Pod',
    body: (n) => bigPod(n, { labels: { [`a${'-'.repeat(2 << 20)}a`]: 'v' } }),
  },
  {
    name: 'secret_stringData_2MiB',
    kind: 'Secret',
    body: (n) => configMap(n, { kind: 'Secret', stringData: { a: TWO_MIB } }),
  },
  // Real big objects: each must stay accepted.
  ...realBigObjects.map((o) => ({ name: `accepted_${o.name}`, kind: o.kind, body: o.body })),
];

/**
 * CPU milliseconds of `run`. The heap is not collected first: a forced full
 * collection flushes compiled code and shrinks the young generation, which
 * doubled every figure in a trial (2026-12-07); a serving process is warm.
 */
async function timed(run: () => Promise<unknown> | unknown): Promise<Clocks> {
  await settled();
  const gc0 = gcPauseMs;
  const main0 = mainThreadMs();
  const cpu0 = process.cpuUsage();
  await run();
  const cpu = process.cpuUsage(cpu0);
  const main = mainThreadMs() - main0;
  await settled();
  return { cpu: (cpu.user + cpu.system) / 1000, main, gc: gcPauseMs - gc0 };
}

/** What one timed run took: process CPU, main-thread CPU, and the collector's pauses, in ms. */
interface Clocks {
  cpu: number;
  main: number;
  gc: number;
}

/**
 * The main thread's CPU time in ms: the process's (`process.cpuUsage`, exact
 * for the running thread) less every other thread's (Linux
 * `/proc/self/task/<tid>/schedstat`, exact for a thread that is not running;
 * the running thread's own schedstat only moves at scheduler ticks). A helper
 * thread still running when read is counted short, so this errs high. The
 * process's time where there is no `/proc`.
 */
function mainThreadMs(): number {
  const cpu = process.cpuUsage();
  let others = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      if (tid === String(process.pid)) continue;
      try {
        others += Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  } catch {
    // No /proc: the process's time.
  }
  return (cpu.user + cpu.system) / 1000 - others;
}

/** The collector's pauses so far, in ms (reported after each collection). */
let gcPauseMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauseMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
/** Lets pending collections report (their entries arrive on a later turn of the loop). */
const settled = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** The medians of several runs' clocks. */
function medians(runs: Clocks[]): Clocks {
  return {
    cpu: percentile(
      runs.map((r) => r.cpu),
      50,
    ),
    main: percentile(
      runs.map((r) => r.main),
      50,
    ),
    gc: percentile(
      runs.map((r) => r.gc),
      50,
    ),
  };
}

/** `main 12.3  cpu 15.0  gc wall 2.1 ms` for a row. */
const shownClocks = (c: Clocks) =>
  `main ${c.main.toFixed(1).padStart(6)}  cpu ${c.cpu.toFixed(1).padStart(6)}  gc wall ${c.gc.toFixed(1).padStart(5)} ms`;

/** The rows of one shape's clocks. */
function clockRows(figure: string, c: Clocks, target?: string): BenchRow[] {
  return [
    { figure: `${figure}.main_thread_ms`, value: c.main, unit: 'ms', target },
    { figure: `${figure}.cpu_ms`, value: c.cpu, unit: 'ms', target },
    { figure: `${figure}.gc_pause_wall_ms`, value: c.gc, unit: 'ms' },
  ];
}

const outcomeOf = (err: Error) => (err.name === 'Error' ? err.constructor.name : err.name);

/** A unique object name per shape and repetition. */
const nameOf = (shape: string, r: number, section: string) =>
  `${section}-${shape.replaceAll('_', '-').toLowerCase()}-${r}`.slice(0, 60).replace(/-+$/, '');

const rows: BenchRow[] = [];
const store = new MemoryStore({ historyLimit: 100 });
const api = new Api({ store });
await api.resource('Pod').create(bigPod('warm-up', { labels: { app: 'web' } }) as never);

/** What one request did, and (where cheap) the main-thread ms of its stages. */
interface Outcome {
  outcome: string;
  stages?: Record<string, number>;
}

/** One row per shape: median clocks, the stages' medians, its parse floor, the outcome, the load. */
async function section(
  label: string,
  run: (shape: Shape, name: string, text: string) => Promise<Outcome>,
  floor: boolean,
): Promise<Clocks> {
  const worst: Clocks = { cpu: 0, main: 0, gc: 0 };
  console.log(`\n== ${label}`);
  for (const shape of shapes) {
    const runs: Clocks[] = [];
    const floors: Clocks[] = [];
    const stages = new Map<string, number[]>();
    let outcome = '';
    for (let r = 0; r < REPETITIONS; r++) {
      const text = textOf(shape, nameOf(shape.name, r, label));
      if (floor) floors.push(await timed(() => JSON.parse(text)));
      runs.push(
        await timed(async () => {
          const done = await run(shape, nameOf(shape.name, r, label), text);
          outcome = done.outcome;
          for (const [stage, ms] of Object.entries(done.stages ?? {}))
            stages.set(stage, [...(stages.get(stage) ?? []), ms]);
        }),
      );
    }
    const clocks = medians(runs);
    worst.main = Math.max(worst.main, clocks.main);
    worst.cpu = Math.max(worst.cpu, clocks.cpu);
    worst.gc = Math.max(worst.gc, clocks.gc);
    const floorMs = floor ? medians(floors).main : undefined;
    const breakdown = [...stages].map(([stage, ms]) => `${stage} ${percentile(ms, 50).toFixed(1)}`).join(' | ');
    console.log(
      `${shape.name.padEnd(36)} ${outcome.padEnd(26)} ${text(shape).padStart(9)} B  ${shownClocks(clocks)}` +
        (floorMs === undefined ? '' : `  parse floor ${floorMs.toFixed(1).padStart(6)} ms`) +
        `  load ${load()}` +
        (breakdown ? `  [${breakdown}]` : ''),
    );
    rows.push(...clockRows(`${label}.${shape.name}`, clocks, '<= 50'));
    if (floorMs !== undefined)
      rows.push({ figure: `${label}.${shape.name}.json_parse_floor_main_thread_ms`, value: floorMs, unit: 'ms' });
  }
  return worst;
}

/** The serialized size of a shape's body (for the table). */
const sizes = new Map<string, number>();
function text(shape: Shape): string {
  let size = sizes.get(shape.name);
  if (size === undefined) {
    size = textOf(shape, 'size').length;
    sizes.set(shape.name, size);
  }
  return String(size);
}

// A request from its text: the shape scan, JSON.parse, the Api.
const worstApi = await section(
  'api',
  async (shape, _name, body): Promise<Outcome> => {
    const t0 = mainThreadMs();
    const problem = bodyShapeProblem(body, BUDGET);
    const t1 = mainThreadMs();
    if (problem) return { outcome: `refused by scan (${problem.reason})`, stages: { scan: t1 - t0 } };
    const parsed = JSON.parse(body);
    const t2 = mainThreadMs();
    const outcome = await api
      .resource(shape.kind)
      .create(parsed)
      .then(
        () => 'stored',
        (err: Error) => outcomeOf(err),
      );
    return { outcome, stages: { scan: t1 - t0, parse: t2 - t1, Api: mainThreadMs() - t2 } };
  },
  true,
);

// The same through the HTTP server.
const server = new ApiServer({ api });
const { url } = await server.listen({ port: 0 });
const agent = new Agent({ keepAlive: true });
const collections: Record<string, string> = {
  Pod: '/api/v1/namespaces/default/pods',
  ConfigMap: '/api/v1/namespaces/default/configmaps',
  Secret: '/api/v1/namespaces/default/secrets',
  Node: '/api/v1/nodes',
  Endpoints: '/api/v1/namespaces/default/endpoints',
  CustomResourceDefinition: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
};
function send(method: string, path: string, body: string, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      { method, agent, headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const worstHttp = await section(
  'http',
  async (shape, _name, body) => ({
    outcome: String(await send('POST', collections[shape.kind]!, body, 'application/json')),
  }),
  false,
);

// YAML server-side apply: the yaml library is far costlier per entry, so YAML gets a fortieth of the budget.
const yamlRows: { name: string; yaml: (name: string) => string }[] = [
  { name: 'yaml_apply_labels_at_budget', yaml: (n) => yamlPod(n, Math.floor(BUDGET / 40) - 16) },
  { name: 'yaml_apply_labels_20k_refused', yaml: (n) => yamlPod(n, 20_000) },
  {
    name: 'yaml_apply_256KiB_plain_text',
    yaml: (n) => `${yamlPod(n, 0)}  annotations:\n    a: ${'x '.repeat(120_000)}y\n`,
  },
];
function yamlPod(name: string, labels: number): string {
  let out = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: default\n`;
  if (labels > 0) out += `  labels:\n${Array.from({ length: labels }, (_, i) => `    k${i}: v\n`).join('')}`;
  return out;
}
const worstYaml: Clocks = { cpu: 0, main: 0, gc: 0 };
console.log('\n== http (YAML server-side apply)');
for (const row of yamlRows) {
  const runs: Clocks[] = [];
  let outcome = '';
  for (let r = 0; r < REPETITIONS; r++) {
    const name = `yaml-${r}-${row.name.length}-${row.name.slice(-6).replaceAll('_', '-').toLowerCase()}`.replace(
      /-+$/,
      '',
    );
    const yaml = row.yaml(name);
    runs.push(
      await timed(async () => {
        outcome = String(
          await send('PATCH', `${collections.Pod}/${name}?fieldManager=bench`, yaml, 'application/apply-patch+yaml'),
        );
      }),
    );
  }
  const clocks = medians(runs);
  worstYaml.main = Math.max(worstYaml.main, clocks.main);
  worstYaml.cpu = Math.max(worstYaml.cpu, clocks.cpu);
  console.log(`${row.name.padEnd(36)} ${outcome.padEnd(26)} ${shownClocks(clocks)}  load ${load()}`);
  rows.push(...clockRows(`http.${row.name}`, clocks, '<= 50'));
}
agent.destroy();
await server.stop();

/** The path to the object with the most members in `value` (not a list), and their number. */
function biggestObject(value: unknown, path: string[] = []): { path: string[]; members: number } {
  let best = { path, members: -1 };
  if (value === null || typeof value !== 'object' || path.length > 20) return best;
  if (!Array.isArray(value)) best = { path, members: Object.keys(value).length };
  for (const [key, member] of Object.entries(value)) {
    const inner = biggestObject(member, [...path, key]);
    if (inner.members > best.members) best = inner;
  }
  return best;
}
const at = (value: unknown, path: string[]) =>
  path.reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], value) as object;

// An object the caller built, handed to the Api: no text, no scan. Where one map far exceeds the budget,
// its floor beside it: one Object.keys of that map in an object built the same way, in this run.
console.log('\n== in_process (Api.create of a built object)');
let worstInProcess = 0;
let worstInProcessRatio = 0;
for (const shape of shapes.filter((s) => /300k|1M|300_containers|at_budget$/.test(s.name))) {
  const runs: Clocks[] = [];
  const floors: Clocks[] = [];
  const biggest = biggestObject(shape.body('probe'));
  const keyListing = biggest.members > BUDGET;
  let outcome = '';
  for (let r = 0; r < REPETITIONS; r++) {
    if (keyListing) {
      const twin = at(shape.body(nameOf(shape.name, r, 'floor')), biggest.path);
      floors.push(await timed(() => Object.keys(twin)));
    }
    const body = shape.body(nameOf(shape.name, r, 'obj'));
    runs.push(
      await timed(() =>
        api
          .resource(shape.kind)
          .create(body as never)
          .then(
            () => {
              outcome = 'stored';
            },
            (err: Error) => {
              outcome = outcomeOf(err);
            },
          ),
      ),
    );
  }
  const clocks = medians(runs);
  worstInProcess = Math.max(worstInProcess, clocks.main);
  rows.push(...clockRows(`in_process.${shape.name}`, clocks));
  let floorText = '';
  if (keyListing) {
    const floor = medians(floors).main;
    const ratio = clocks.main / floor;
    worstInProcessRatio = Math.max(worstInProcessRatio, ratio);
    floorText = `  floor (Object.keys of its ${biggest.members.toLocaleString('en')}-key map) ${floor.toFixed(1)} ms, ${ratio.toFixed(2)}x`;
    rows.push({ figure: `in_process.${shape.name}.object_keys_floor_main_thread_ms`, value: floor, unit: 'ms' });
    rows.push({ figure: `in_process.${shape.name}.ratio_to_floor`, value: ratio, unit: 'x' });
  }
  console.log(`${shape.name.padEnd(36)} ${outcome.padEnd(26)} ${shownClocks(clocks)}  load ${load()}${floorText}`);
}

rows.push({
  figure: 'worstMainThreadMs',
  value: Math.max(worstApi.main, worstHttp.main, worstYaml.main),
  unit: 'ms',
  target: '<= 50',
});
rows.push({ figure: 'worstCpuMs', value: Math.max(worstApi.cpu, worstHttp.cpu, worstYaml.cpu), unit: 'ms' });
rows.push({ figure: 'worst_in_process_main_thread_ms', value: worstInProcess, unit: 'ms' });
rows.push({ figure: 'worst_in_process_ratio_to_key_listing_floor', value: worstInProcessRatio, unit: 'x' });
rows.push({ figure: 'budget_entries', value: BUDGET, unit: 'entries' });
rows.push({ figure: 'load_average_1m', value: loadavg()[0]!, unit: '' });
await api.close();
report('input', rows);
