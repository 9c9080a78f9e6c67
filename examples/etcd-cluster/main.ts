/**
 * The etcd-cluster example: `sudo npx tsx examples/etcd-cluster/main.ts`.
 * A control plane in Kubernetes' shape (etcd, two apiservers, every other
 * component its own process over HTTPS with its own identity) that loses an
 * apiserver and its leading controller manager and completes a rollout.
 */
import { runScenario } from './scenario.js';

const result = await runScenario((line) => console.log(line));
console.log(JSON.stringify(result, null, 2));
