import type { DemoStep } from '../step.js';
import { waitFor } from '../wait-for.js';
import { livePods, nodeReady, spread, waitForHealthyPods } from '../workloads.js';

/**
 * Stops the agent of the node with the most web pods (a node failure), waits
 * for the node lifecycle controller to mark it and evict its pods and for
 * the Deployment to be whole again on the other nodes; then starts the node
 * again and waits for it to be Ready.
 */
export const healNodeStep: DemoStep = {
  title: 'self-healing: a node lost',
  explain:
    'Stopping the node agent of the node with the most web pods: its heartbeats stop. After a 4 s grace period ' +
    '(Kubernetes: 50 s) it is marked unreachable; web pods tolerate that for 2 s (default 300 s), then they are ' +
    'evicted and recreated on the other nodes.',
  needs: ['nodelifecycle'],
  async run(ctx) {
    const { cluster } = ctx;
    const pods = livePods(ctx, 'app=web');
    const counts = new Map<string, number>();
    for (const p of pods) if (p.spec.nodeName) counts.set(p.spec.nodeName, (counts.get(p.spec.nodeName) ?? 0) + 1);
    const [lost] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (!lost) throw new Error('no web pod is on a node; is deployment/web running?');
    const node = cluster.node(lost);
    const started = ctx.clock.now();
    ctx.display.say(`  stopping ${lost} (it runs ${counts.get(lost)} web pods)`);
    await node.stop();
    await waitFor(ctx.clock, `${lost} to be marked not ready`, () => nodeReady(ctx, lost) !== 'True', ctx.timeoutMs);
    const markedAfter = ((ctx.clock.now() - started) / 1000).toFixed(1);
    ctx.display.say(
      `  ${lost} is ${nodeReady(ctx, lost) === 'False' ? 'NotReady' : 'unreachable'} after ${markedAfter} s`,
    );
    await waitForHealthyPods(
      ctx,
      'web',
      `every web pod to run and be ready off ${lost}`,
      (p) => p.spec.nodeName !== lost,
    );
    const healedAfter = ((ctx.clock.now() - started) / 1000).toFixed(1);
    const moved = spread(livePods(ctx, 'app=web'));
    ctx.display.say(`  web is whole again after ${healedAfter} s: ${moved}; starting ${lost} again`);
    node.start();
    await waitFor(ctx.clock, `${lost} to be Ready again`, () => nodeReady(ctx, lost) === 'True', ctx.timeoutMs);
    return `${lost} lost: marked after ${markedAfter} s, web healed on other nodes after ${healedAfter} s (${moved}); ${lost} is back`;
  },
};
