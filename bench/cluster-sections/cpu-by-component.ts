/**
 * Where a run's main-thread CPU goes, by component, from V8's sampling
 * profiler (`node:inspector`): every sample is charged to the part of the
 * code base its innermost first-party frame lives in ("self"), and to the
 * nearest component on its stack (scheduler, a controller, the node agents,
 * the proxier) when there is one ("on behalf of": what that component made
 * core do synchronously). Store fan-out is the self time of
 * `packages/core/src/store`. Samples cost ~1-3 % of a run at the 1 ms interval.
 */
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string; lineNumber?: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** CPU milliseconds per area, two ways (see the module comment). */
export interface CpuByComponent {
  selfMs: Map<string, number>;
  onBehalfMs: Map<string, number>;
  sampledMs: number;
  /** Per function (`name file:line`): its own samples, and every sample with it on the stack. */
  functions: Map<string, { selfMs: number; totalMs: number }>;
}

const components: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/\/packages\/scheduler\//, () => 'scheduler'],
  [/\/packages\/controllers\/src\/([^/]+)\//, (m) => `controller ${m[1]}`],
  [/\/packages\/runtime\//, () => 'node agents'],
  [/\/packages\/netproxy\//, () => 'proxier'],
];
const coreAreas: [RegExp, string][] = [
  [/\/packages\/core\/src\/store\//, 'store (fan-out)'],
  [/\/packages\/core\/src\/informer\//, 'informers'],
  [/\/packages\/core\/src\/(workqueue|controller)\//, 'controller machinery'],
  [/\/packages\/core\/src\//, 'api (copy, admission, validation)'],
  [/\/examples\//, 'examples wiring'],
  [/\/bench\//, 'bench'],
];

/** The component a frame's file belongs to, or undefined for core, dependencies and Node itself. */
function componentOf(url: string): string | undefined {
  for (const [re, name] of components) {
    const m = url.match(re);
    if (m) return name(m);
  }
  return undefined;
}
function areaOf(url: string): string | undefined {
  return componentOf(url) ?? coreAreas.find(([re]) => re.test(url))?.[1];
}

/** Starts the sampling profiler; `stop()` returns the attribution. */
export async function profileCpu(): Promise<{ stop(): Promise<CpuByComponent> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
      session.disconnect();
      return attribute(profile);
    },
  };
}

function attribute(profile: Profile): CpuByComponent {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const charged = new Map<number, [string, string]>();
  const chargeOf = (id: number): [string, string] => {
    const known = charged.get(id);
    if (known) return known;
    const leaf = byId.get(id)?.callFrame;
    let self: string | undefined;
    let onBehalf: string | undefined;
    for (let at: number | undefined = id; at !== undefined && !onBehalf; at = parent.get(at)) {
      const url = byId.get(at)?.callFrame.url ?? '';
      self ??= areaOf(url);
      onBehalf = componentOf(url);
    }
    const special = leaf?.functionName.startsWith('(') ? leaf.functionName : undefined;
    const result: [string, string] = [
      special ?? self ?? 'node and dependencies',
      onBehalf ?? special ?? self ?? 'node and dependencies',
    ];
    charged.set(id, result);
    return result;
  };
  const selfMs = new Map<string, number>();
  const onBehalfMs = new Map<string, number>();
  const functions = new Map<string, { selfMs: number; totalMs: number }>();
  const functionOf = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(packages|bench|node_modules)\//, '$1/')}:${(f.lineNumber ?? 0) + 1}`;
  };
  const chargeFunctions = (leaf: number, ms: number) => {
    const seen = new Set<string>();
    for (let at: number | undefined = leaf; at !== undefined; at = parent.get(at)) {
      const name = functionOf(at);
      if (seen.has(name)) continue;
      seen.add(name);
      const f = functions.get(name) ?? { selfMs: 0, totalMs: 0 };
      if (at === leaf) f.selfMs += ms;
      f.totalMs += ms;
      functions.set(name, f);
    }
  };
  let sampledMs = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    const [self, onBehalf] = chargeOf(samples[i]);
    selfMs.set(self, (selfMs.get(self) ?? 0) + ms);
    onBehalfMs.set(onBehalf, (onBehalfMs.get(onBehalf) ?? 0) + ms);
    if (self !== '(idle)') {
      sampledMs += ms;
      chargeFunctions(samples[i], ms);
    }
  }
  return { selfMs, onBehalfMs, sampledMs, functions };
}

/**
 * Prints both views, busiest first, as shares of the non-idle samples and
 * as CPU seconds: the share times `cpuSeconds`, the process's CPU time over
 * the same span (the profiler samples on wall time, so on a shared machine
 * its sampled total exceeds the CPU the process got).
 */
export function printCpuByComponent(cpu: CpuByComponent, cpuSeconds: number): void {
  const names = [...new Set([...cpu.selfMs.keys(), ...cpu.onBehalfMs.keys()])].filter((n) => n !== '(idle)');
  names.sort((a, b) => (cpu.onBehalfMs.get(b) ?? 0) - (cpu.onBehalfMs.get(a) ?? 0));
  const cell = (ms: number | undefined) => {
    const share = (ms ?? 0) / cpu.sampledMs;
    return `${(share * cpuSeconds).toFixed(2).padStart(7)} s ${(share * 100).toFixed(1).padStart(5)} %`;
  };
  console.log(
    `\nCPU by component: ${cpuSeconds.toFixed(1)} CPU s in ${(cpu.sampledMs / 1000).toFixed(1)} s of non-idle samples`,
  );
  console.log(`${'component'.padEnd(36)}  ${'self'.padStart(15)}  ${'on behalf of'.padStart(15)}`);
  for (const n of names) console.log(`${n.padEnd(36)}  ${cell(cpu.selfMs.get(n))}  ${cell(cpu.onBehalfMs.get(n))}`);
  const top = Number(process.env.CLUSTER_CPU_TOP ?? 0);
  if (top > 0) printTopFunctions(cpu, top);
}

/** With CLUSTER_CPU_TOP=n: the n functions with the most samples on the stack, then the n with the most of their own. */
function printTopFunctions(cpu: CpuByComponent, top: number): void {
  const share = (ms: number) => `${((ms / cpu.sampledMs) * 100).toFixed(1).padStart(5)} %`;
  const all = [...cpu.functions].filter(([name]) => !name.startsWith('(program)') && !name.startsWith('(root)'));
  for (const [title, key] of [
    ['on the stack', 'totalMs'],
    ['own', 'selfMs'],
  ] as const) {
    console.log(`top functions, ${title}:`);
    for (const [name, f] of [...all].sort((a, b) => b[1][key] - a[1][key]).slice(0, top)) {
      console.log(`  ${share(f[key])}  ${name}`);
    }
  }
}
