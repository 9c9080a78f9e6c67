/**
 * `npm run bench -- model`: the object-model hot paths other parts lean on:
 * compiled label-selector matching (store lists, informers, scheduler),
 * quantity parsing (scheduler resource sums), the create-time admission work
 * of a realistic Pod (defaulting + generic metadata + Pod validation, the
 * part of the Api's 30,000 creates/s budget that is ours), the Api's checked
 * copy of a write's input beside the plain copy it replaced, and manifest parsing.
 */
import { performance } from 'node:perf_hooks';
import {
  cloneJson,
  compileLabelSelector,
  createBuiltinRegistry,
  DEFAULT_MAX_OBJECT_BYTES,
  formatManifests,
  type KubeObject,
  parseManifests,
  parseMilli,
  parseValue,
  Quantity,
  validateObjectMeta,
} from '../packages/core/src/index.js';
import { copyJsonInput } from '../packages/core/src/json/json-input.js';
import { objectSchemaErrors } from '../packages/core/src/schema/object-schema-errors.js';
import { realisticPod } from './fixtures/realistic-pod.js';
import { type BenchRow, report } from './report.js';

const rows: BenchRow[] = [];

/** Runs `op` `n` times after a warm-up of `n / 10` and returns calls per second. */
function rate(n: number, op: (i: number) => unknown): number {
  for (let i = 0; i < n / 10; i++) op(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) op(i);
  return (n / (performance.now() - t0)) * 1000;
}

// Label selector matching: a mix of selected and rejected label sets.
const matcher = compileLabelSelector('app=web,tier in (frontend,edge),!canary');
const labelSets: Record<string, string>[] = [
  { app: 'web', tier: 'frontend', 'pod-template-hash': 'abc' },
  { app: 'web', tier: 'backend' },
  { app: 'db' },
  { app: 'web', tier: 'edge', canary: 'true' },
];
let selected = 0;
const matchRate = rate(2_000_000, (i) => {
  if (matcher.matches(labelSets[i & 3])) selected++;
});
if (selected === 0) throw new Error('selector matched nothing: the bench is broken');
rows.push({ figure: 'LabelMatch.matchesPerSec', value: matchRate, unit: 'ops/s', target: '>= 5,000,000' });

// Quantity parsing, fast path and exact path.
const amounts = ['100m', '250m', '2', '128Mi', '1Gi', '4'];
const fastRate = rate(
  2_000_000,
  (i) => parseMilli(amounts[i % amounts.length]!) + parseValue(amounts[(i + 1) % amounts.length]!),
);
rows.push({ figure: 'Quantity.parseMilliValuePairsPerSec', value: fastRate, unit: 'ops/s' });
const exactAmounts = ['1.5Gi', '0.25', '1e3', '100m', '12.5Mi'];
const cachedRate = rate(1_000_000, (i) => Quantity.parse(exactAmounts[i % exactAmounts.length]!).toString());
rows.push({ figure: 'Quantity.exactParseFormatRepeatedPerSec', value: cachedRate, unit: 'ops/s' });
// Distinct texts defeat the parse cache: the cost of a first parse.
const freshRate = rate(300_000, (i) => Quantity.parse(`${i}.5Mi`).toString());
rows.push({ figure: 'Quantity.exactParseFormatDistinctPerSec', value: freshRate, unit: 'ops/s' });

// Create-time admission of a realistic Pod, as the Api runs it.
const podType = createBuiltinRegistry().get('Pod');
const template = realisticPod('web-0');
// Copies are made before timing: the Api clones objects anyway, and that cost is not ours to measure.
const POOL = 50_000;
const pool = Array.from({ length: POOL + POOL / 10 }, (_, i) => {
  const pod = structuredClone(template);
  pod.metadata.name = `web-${i}`;
  return pod;
});
let problems = 0;
const admitRate = rate(POOL, (i) => {
  const pod = pool[i]!;
  podType.default?.(pod);
  problems += validateObjectMeta(pod, podType).length + (podType.validate?.(pod) ?? []).length;
});
if (problems !== 0) throw new Error(`the realistic pod failed validation ${problems} times: the bench is broken`);
rows.push({ figure: 'PodAdmission.podsPerSec', value: admitRate, unit: 'pods/s', target: '>= 100,000' });

// The Api's door (issue 18): the checked copy of a write's input (JSON values only, nesting and size bounds)
// plus the structural type check, beside the plain copy it replaced; the ratio is the figure to watch.
const plainCopyRate = rate(POOL, () => cloneJson(template));
const checkedCopyRate = rate(POOL, () => {
  const copy = copyJsonInput(template, DEFAULT_MAX_OBJECT_BYTES * 2);
  if (!copy.ok || objectSchemaErrors(copy.value, podType.schema).length > 0)
    throw new Error('the realistic pod was refused');
});
rows.push({ figure: 'PodInput.plainCopiesPerSec', value: plainCopyRate, unit: 'pods/s' });
rows.push({ figure: 'PodInput.checkedCopiesPerSec', value: checkedCopyRate, unit: 'pods/s' });
rows.push({ figure: 'PodInput.checked_x_plain', value: checkedCopyRate / plainCopyRate, unit: 'ratio' });

// Manifest parsing: 100 pods in one multi-document YAML text.
const text = formatManifests(Array.from({ length: 100 }, (_, i) => realisticPod(`web-${i}`) as KubeObject));
const docsRate = rate(200, () => parseManifests(text)) * 100;
rows.push({ figure: 'Manifests.documentsPerSec', value: docsRate, unit: 'docs/s' });

report('model', rows);
