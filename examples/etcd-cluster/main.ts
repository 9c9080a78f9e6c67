/**
 * The etcd-cluster example: `sudo npx tsx examples/etcd-cluster/main.ts`.
 * A multi-process cluster over a three-member etcd and Docker that loses its
 * leading controller manager and an etcd member, and carries on.
 */
import { runScenario } from './scenario.js';

const result = await runScenario((line) => console.log(line));
console.log(JSON.stringify(result, null, 2));
