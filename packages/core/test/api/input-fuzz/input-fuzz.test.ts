/**
 * Fuzz of every built-in kind's create, update, updateStatus, patch and
 * apply with arbitrary JSON and hostile values (wrong types in every known
 * field, non-JSON values, deep nesting, huge strings, prototype keys,
 * Unicode, out-of-range numbers). After every call: the process did not
 * crash, a refusal is a typed `ApiError` (an `InvalidError` names its
 * fields), a refused write left the store as it was, an accepted one stored
 * a JSON document with every known field of its type, and `Object.prototype`
 * is untouched.
 *
 * Runs `FLOTILLA_FUZZ_RUNS` cases (default 1,000, a few seconds); for a long
 * run: `FLOTILLA_FUZZ_RUNS=20000 npx vitest run packages/core/test/api/input-fuzz`.
 * The counts and the longest call are printed at the end, and the longest of
 * the calls over 50 ms when each is made again alone (`slowAloneMs`).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../../src/registry/index.js';
import { newApi } from '../fixtures.js';
import { type FuzzCase, FuzzHarness, type FuzzOperation } from './fuzz-harness.js';
import { hostileValue, schemaPaths } from './hostile-values.js';
import { validBodies } from './valid-objects.js';

const RUNS = Number(process.env.FLOTILLA_FUZZ_RUNS ?? 1000);

const types = createBuiltinRegistry().all();

/** Each kind with the writes it serves and every field path its schema knows. */
const targets = types.map((t) => ({
  kind: t.kind,
  operations: [
    'create',
    'update',
    'patch',
    'apply',
    ...(t.statusSubresource ? ['updateStatus'] : []),
  ] as FuzzOperation[],
  paths: [
    ['metadata'],
    ['metadata', 'name'],
    ['metadata', 'labels'],
    ['metadata', 'labels', 'k'],
    ['metadata', 'annotations'],
    ['metadata', 'finalizers'],
    ['metadata', 'finalizers', 0],
    ['metadata', 'ownerReferences'],
    ['metadata', 'ownerReferences', 0, 'uid'],
    ['metadata', 'generation'],
    ['spec'],
    ['status'],
    ['unknownField', 'nested'],
    ...(t.schema ? schemaPaths(t.schema) : []),
  ],
}));

const fuzzCase: fc.Arbitrary<FuzzCase> = fc.constantFrom(...targets).chain((target) =>
  fc.record({
    kind: fc.constant(target.kind),
    operation: fc.constantFrom(...target.operations),
    path: fc.option(fc.constantFrom(...target.paths), { freq: 8, nil: undefined }),
    value: hostileValue,
  }),
);

describe('write input fuzz', () => {
  const { api, store } = newApi();
  const harness = new FuzzHarness(api, store);

  afterAll(async () => {
    // The figures the issue asks for; a long run's are recorded in docs/benchmarks.md.
    await harness.retimeSlow();
    console.log(`input fuzz: ${JSON.stringify(harness.summary())}`);
    await api.close();
  }, 120_000);

  it('starts from a valid object of every built-in kind that has one', async () => {
    const refused = await harness.seed();
    expect(refused.filter((r) => Object.hasOwn(validBodies, r.split(':')[0]!))).toEqual([]);
  });

  it('refuses every hostile write with a typed error and stores only well-typed JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzCase, (c) => harness.run(c)),
      { numRuns: RUNS },
    );
    expect(harness.stats.calls).toBe(RUNS);
  }, 600_000);
});
