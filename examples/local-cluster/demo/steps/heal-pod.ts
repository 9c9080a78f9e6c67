import type { DemoStep } from '../step.js';
import { waitFor } from '../wait-for.js';
import { livePods, waitForHealthyPods } from '../workloads.js';

/** Deletes one web pod and waits for its ReplicaSet to replace it. */
export const healPodStep: DemoStep = {
  title: 'self-healing: a pod deleted',
  explain: 'Deleting one web pod: its ReplicaSet sees one pod too few and creates a replacement.',
  async run(ctx) {
    const before = livePods(ctx, 'app=web');
    const victim = before[0];
    if (!victim) throw new Error('no web pod to delete; is deployment/web running?');
    const name = victim.metadata.name;
    const started = ctx.clock.now();
    await ctx.cluster.api.resource('Pod').delete('default', name);
    const replacement = await waitFor(
      ctx.clock,
      `a pod replacing ${name}`,
      () => livePods(ctx, 'app=web').find((p) => !before.some((b) => b.metadata.uid === p.metadata.uid)),
      ctx.timeoutMs,
    );
    await waitForHealthyPods(ctx, 'web', `web to be whole again without ${name}`, (p) => p.metadata.name !== name);
    const seconds = ((ctx.clock.now() - started) / 1000).toFixed(1);
    return `${name} deleted; ${replacement.metadata.name} replaced it on ${replacement.spec.nodeName} (available after ${seconds} s)`;
  },
};
