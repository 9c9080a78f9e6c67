import { answeringPod, httpGet } from '../service-client.js';
import type { DemoStep } from '../step.js';
import { waitFor } from '../wait-for.js';
import { livePods } from '../workloads.js';

/**
 * Calls the web Service through the userspace proxy, twice as many times as
 * there are pods, and checks that every pod answered (round-robin).
 */
export const serviceStep: DemoStep = {
  title: 'a service answering through the proxy',
  explain:
    'Calling service web through the userspace proxy: each request is a real TCP connection that the proxy ' +
    'forwards round-robin to a pod IP on loopback, where the pod answers with its name.',
  needs: ['service', 'endpointslice'],
  async run(ctx) {
    const { cluster } = ctx;
    const address = await waitFor(
      ctx.clock,
      'the proxy to listen for service web (it needs a ClusterIP and EndpointSlices)',
      () => cluster.serviceAddress('default', 'web', 'http'),
      ctx.timeoutMs,
    );
    const pods = livePods(ctx, 'app=web').map((p) => p.metadata.name);
    const answered = new Map<string, number>();
    for (let i = 0; i < pods.length * 2; i++) {
      const pod = answeringPod(await httpGet(address));
      answered.set(pod, (answered.get(pod) ?? 0) + 1);
      ctx.stats.requestsOk += 1;
      ctx.display.say(`  GET http://${address.host}:${address.port}/  ->  ${pod}`);
    }
    const missing = pods.filter((p) => !answered.has(p));
    if (missing.length > 0) throw new Error(`round-robin skipped ${missing.join(', ')}`);
    return `${pods.length * 2} requests, each of the ${pods.length} pods answered ${[...new Set(answered.values())].join('/')} times`;
  },
};
