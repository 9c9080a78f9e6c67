/**
 * The fault-injection soak: `npx tsx examples/fault-injection/soak.ts`, with
 * `FLOTILLA_SOAK_MINUTES` (default 30) and `FLOTILLA_SOAK_SEED` (default: from
 * the clock, printed first). Runs seeded rounds of `runFaults` until the time
 * is up; the first failure stops it with the seed that replays it.
 */
import { runFaults } from './run-faults.js';

const minutes = Number(process.env.FLOTILLA_SOAK_MINUTES ?? 30);
const firstSeed = Number(process.env.FLOTILLA_SOAK_SEED ?? Date.now() % 1_000_000);
const deadline = Date.now() + minutes * 60_000;
console.log(`soak: ${minutes} min from seed ${firstSeed}`);
for (let seed = firstSeed; Date.now() < deadline; seed++) {
  const result = await runFaults({ seed, steps: 5, narrate: (line) => console.log(line) });
  console.log(`seed ${seed} held: ${JSON.stringify(result)}`);
}
console.log('soak: every round held');
