/**
 * The custom-controller example: `npx tsx examples/custom-controller/main.ts`.
 * A `Website` kind with its own controller, in a one-process cluster.
 */
import { runWalkthrough } from './example.js';

const result = await runWalkthrough((line) => console.log(line));
console.log(JSON.stringify(result, null, 2));
