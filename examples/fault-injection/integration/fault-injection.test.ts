import { describe, expect, it } from 'vitest';
import { runFaults } from '../run-faults.js';

/**
 * The short, CI-sized run of the fault-injection suite (the soak is
 * `examples/fault-injection/soak.ts`). A failure names its seed; run it
 * again with `FLOTILLA_FAULT_SEED=<seed>` to replay the same faults.
 */
describe('fault injection: a rolling update through etcd member kills, compaction and controller manager SIGKILLs', () => {
  it(
    'ends every step with exactly the desired pods, no orphans, caches equal to the store and exact writes',
    { timeout: 600_000 },
    async () => {
      const seed = Number(process.env.FLOTILLA_FAULT_SEED ?? 18);
      const narrated: string[] = [];
      const result = await runFaults({ seed, steps: 2, narrate: (line) => narrated.push(line) }).catch((err: Error) => {
        throw new Error(`${err.message}\nwhat the run did:\n${narrated.join('\n')}`);
      });
      expect(result.faults['etcd-member-killed']).toBeGreaterThanOrEqual(2);
      expect(result.faults.compaction).toBeGreaterThanOrEqual(2);
      expect(result.faults['controller-manager-killed']).toBeGreaterThanOrEqual(2);
      expect(result.ledgerWrites).toBeGreaterThan(20);
      expect(narrated.at(-1)).toMatch(/^step 2: converged/);
    },
  );
});
