import { performance } from 'node:perf_hooks';
import type { Api } from '../../../src/api/index.js';
import { ApiError, type InvalidError } from '../../../src/errors/index.js';
import { cloneJson } from '../../../src/json/index.js';
import { copyJsonInput } from '../../../src/json/json-input.js';
import type { KubeObject } from '../../../src/model/meta.js';
import { apiVersionOf, type ResourceType, storageNameOf } from '../../../src/registry/index.js';
import { objectSchemaErrors } from '../../../src/schema/object-schema-errors.js';
import type { Store } from '../../../src/store/index.js';
import { type FieldPath, patchAt, withValueAt } from './hostile-values.js';
import { FUZZ_NAMESPACE, validObject } from './valid-objects.js';

/** The write methods the fuzz drives. */
export type FuzzOperation = 'create' | 'update' | 'updateStatus' | 'patch' | 'apply';

/** One fuzz case: a kind, a write, and either a hostile value at a known path or a hostile whole body. */
export interface FuzzCase {
  kind: string;
  operation: FuzzOperation;
  path: FieldPath | undefined;
  value: unknown;
}

/** Counts over a fuzz run, for the report. */
export interface FuzzStats {
  calls: number;
  accepted: number;
  refusedBy: Record<string, number>;
  /** The longest single call (an upper bound on how long it held the event loop), and what it was. */
  worstMs: number;
  worstCase: string;
  /** The 99th percentile of call durations, and how many calls took over 50 ms. */
  p99Ms: number;
  over50Ms: number;
  /**
   * The longest of the calls over 50 ms (up to `RETIMED_CASES` of them) when
   * each is made again alone after the run (`retimeSlow`): low when the
   * machine's load, not the input, made them slow.
   */
  slowAloneMs: number;
}

/** What one call returned or threw. */
type CallOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** How many of the calls over 50 ms are kept to be timed again alone. */
const RETIMED_CASES = 100;

/** The name of the object every update, updateStatus and patch of a kind targets. */
const TARGET = 'fuzz-target';

/** What must hold after every call; throws with the case in the message if not. */
export class FuzzHarness {
  readonly stats: FuzzStats = {
    calls: 0,
    accepted: 0,
    refusedBy: {},
    worstMs: 0,
    worstCase: '',
    p99Ms: 0,
    over50Ms: 0,
    slowAloneMs: 0,
  };
  private readonly durations: number[] = [];
  private readonly slow: FuzzCase[] = [];
  /** Calls made, re-timed ones included: each create gets a name of its own. */
  private made = 0;
  private readonly types: Map<string, ResourceType>;

  constructor(
    private readonly api: Api,
    private readonly store: Store,
  ) {
    this.types = new Map(api.registry.all().map((t) => [t.kind, t]));
  }

  /**
   * Creates the object each kind's updates and patches target; returns the
   * kinds whose starting object was refused, with why.
   */
  async seed(): Promise<string[]> {
    const refused: string[] = [];
    for (const type of this.types.values()) {
      const obj = validObject(type.kind, apiVersionOf(type), type.namespaced, TARGET);
      await this.api
        .resource(type.kind)
        .create(obj)
        .catch((err: Error) => refused.push(`${type.kind}: ${err.message}`));
    }
    return refused;
  }

  /** The stats with the percentile computed over every call so far. */
  summary(): FuzzStats {
    const sorted = [...this.durations].sort((a, b) => a - b);
    this.stats.p99Ms = sorted[Math.floor(sorted.length * 0.99)] ?? 0;
    return this.stats;
  }

  /** Makes each kept call over 50 ms again, alone, and records the longest in `slowAloneMs`. */
  async retimeSlow(): Promise<void> {
    for (const c of this.slow) {
      const { ms } = await this.timed(c);
      this.stats.slowAloneMs = Math.max(this.stats.slowAloneMs, ms);
    }
  }

  /** Runs one case and checks every promise the Api makes about it. */
  async run(c: FuzzCase): Promise<void> {
    const type = this.types.get(c.kind)!;
    const before = await this.snapshot(type);
    const { ms, outcome } = await this.timed(c);
    this.stats.calls++;
    this.durations.push(ms);
    if (ms > 50) {
      this.stats.over50Ms++;
      if (this.slow.length < RETIMED_CASES) this.slow.push(c);
    }
    if (ms > this.stats.worstMs) {
      this.stats.worstMs = ms;
      this.stats.worstCase = describe(c);
    }
    await this.check(c, type, before, outcome);
  }

  /** Makes the call `c` describes, timed. */
  private async timed(c: FuzzCase): Promise<{ ms: number; outcome: CallOutcome }> {
    const type = this.types.get(c.kind)!;
    const name = c.operation === 'create' ? `fuzz-${this.made++}` : TARGET;
    const base = validObject(type.kind, apiVersionOf(type), type.namespaced, name) as unknown as Record<
      string,
      unknown
    >;
    const body = c.path === undefined ? c.value : withValueAt(base, c.path, c.value);
    const patch = c.path === undefined ? c.value : patchAt(c.path, c.value);
    const targetName = validObject(type.kind, apiVersionOf(type), type.namespaced, TARGET).metadata.name;
    const ref = type.namespaced ? [FUZZ_NAMESPACE, targetName] : [targetName];
    const started = performance.now();
    try {
      const value = await this.call(this.api.resource(c.kind), c.operation, body, ref, patch);
      return { ms: performance.now() - started, outcome: { ok: true, value } };
    } catch (error) {
      return { ms: performance.now() - started, outcome: { ok: false, error } };
    }
  }

  /** The rest of `run`: the promises about one call's outcome. */
  private async check(c: FuzzCase, type: ResourceType, before: string, outcome: CallOutcome): Promise<void> {
    this.assertPrototypeClean(c);
    if (outcome.ok) {
      this.stats.accepted++;
      await this.assertStoredWellTyped(type, outcome.value as KubeObject, c);
      return;
    }
    const error = outcome.error;
    if (!(error instanceof ApiError))
      throw new Error(`${describe(c)}: untyped refusal ${String(error)}`, { cause: error });
    const fields = error.reason === 'Invalid' ? (error as InvalidError).fields : undefined;
    if (fields && !(fields.length > 0 && fields.every((f) => f.field !== ''))) {
      throw new Error(`${describe(c)}: InvalidError without field paths: ${error.message}`);
    }
    this.stats.refusedBy[error.name] = (this.stats.refusedBy[error.name] ?? 0) + 1;
    const after = await this.snapshot(type);
    if (after !== before) throw new Error(`${describe(c)}: refused (${error.message}) but the store changed`);
  }

  private call(
    client: ReturnType<Api['resource']>,
    operation: FuzzOperation,
    body: unknown,
    ref: string[],
    patch: unknown,
  ): Promise<unknown> {
    const anyBody = body as KubeObject;
    switch (operation) {
      case 'create':
        return client.create(anyBody);
      case 'update':
        return client.update(anyBody);
      case 'updateStatus':
        return client.updateStatus(anyBody);
      case 'apply':
        return this.api.apply(anyBody);
      case 'patch':
        return ref.length === 2
          ? client.patch(ref[0]!, ref[1]!, patch as object)
          : client.patch(ref[0]!, patch as object);
    }
  }

  /** The store's revision and every object of the kind, serialized: equal before and after a refused write. */
  private async snapshot(type: ResourceType): Promise<string> {
    const page = await this.store.list(storageNameOf(type));
    return `${await this.store.currentRevision()}\n${JSON.stringify(page.items)}`;
  }

  private assertPrototypeClean(c: FuzzCase): void {
    const probe = {} as Record<string, unknown>;
    if (
      Object.keys(Object.prototype).length > 0 ||
      probe.polluted !== undefined ||
      typeof probe.toString !== 'function'
    ) {
      throw new Error(`${describe(c)}: Object.prototype was changed`);
    }
  }

  /** An accepted write stored a JSON document whose known fields all have their types. */
  private async assertStoredWellTyped(type: ResourceType, written: KubeObject, c: FuzzCase): Promise<void> {
    const meta = written.metadata;
    const key = type.namespaced
      ? { resource: storageNameOf(type), namespace: meta.namespace, name: meta.name }
      : { resource: storageNameOf(type), name: meta.name };
    const stored = await this.store.get(key);
    const copy = copyJsonInput(stored, Number.POSITIVE_INFINITY);
    if (!copy.ok) throw new Error(`${describe(c)}: stored a non-JSON value: ${JSON.stringify(copy.problem)}`);
    const errors = objectSchemaErrors(cloneJson(stored), type.schema);
    if (errors.length > 0) throw new Error(`${describe(c)}: stored wrong types: ${JSON.stringify(errors)}`);
    if (JSON.stringify(JSON.parse(JSON.stringify(stored))) !== JSON.stringify(stored)) {
      throw new Error(`${describe(c)}: stored object does not survive a JSON round trip`);
    }
  }
}

/** A short, printable description of a case (values can be huge, cyclic or BigInt). */
export function describe(c: FuzzCase): string {
  return `${c.operation} ${c.kind} ${c.path ? c.path.join('.') : '<whole body>'} = ${preview(c.value)}`;
}

function preview(value: unknown): string {
  try {
    const text = typeof value === 'bigint' || typeof value === 'symbol' ? String(value) : JSON.stringify(value);
    return text === undefined
      ? String(value)
      : text.length > 80
        ? `${text.slice(0, 80)}... (${text.length} chars)`
        : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
