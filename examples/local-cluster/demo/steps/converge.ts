import type { DaemonSet, Job, Node } from '@flotilla/core';
import { applyManifests, readManifests } from '../../manifests.js';
import type { DemoContext, DemoStep } from '../step.js';
import { waitFor } from '../wait-for.js';
import { waitForDeployment } from '../workloads.js';

const isComplete = (job: Job | undefined) =>
  job?.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') === true;

async function waitForDaemonSet(ctx: DemoContext, namespace: string, name: string): Promise<string> {
  const informers = ctx.cluster.manager.informers;
  const ds = await waitFor(
    ctx.clock,
    `daemonset/${name} to run a ready pod on every node`,
    () => {
      const d = informers.for<DaemonSet>('DaemonSet').cache.get(namespace, name);
      const nodes = informers.for<Node>('Node').cache.list().length;
      const s = d?.status;
      return s && s.desiredNumberScheduled === nodes && s.numberReady === nodes ? d : undefined;
    },
    ctx.timeoutMs,
  );
  return `daemonset/${name} ${ds.status?.numberReady}/${ds.status?.desiredNumberScheduled} nodes`;
}

async function waitForJob(ctx: DemoContext, namespace: string, name: string): Promise<string> {
  const job = await waitFor(
    ctx.clock,
    `job/${name} to complete`,
    () => {
      const j = ctx.cluster.manager.informers.for<Job>('Job').cache.get(namespace, name);
      return isComplete(j) ? j : undefined;
    },
    ctx.timeoutMs,
  );
  return `job/${name} ${job.status?.succeeded}/${job.spec.completions ?? 1} succeeded`;
}

/**
 * Applies every manifest of `dir`, then waits until the workloads in them
 * have converged: each Deployment settled, each DaemonSet ready on every
 * node, each Job complete.
 */
export function convergeStep(dir: string): DemoStep {
  return {
    title: 'apply manifests',
    explain: `Applying the manifests in ${dir} through the Api, as kubectl apply would; then every controller takes over.`,
    async run(ctx) {
      const applied = await applyManifests(ctx.cluster.api, await readManifests(dir));
      for (const o of applied) ctx.display.say(`  applied ${o.kind.toLowerCase()}/${o.name}`);
      const waits: Record<string, { controller: string; wait: (ns: string, name: string) => Promise<string> }> = {
        Deployment: {
          controller: 'deployment',
          wait: (ns, name) => waitForDeployment(ctx, name, ns).then(() => `deployment/${name} available`),
        },
        DaemonSet: { controller: 'daemonset', wait: (ns, name) => waitForDaemonSet(ctx, ns, name) },
        Job: { controller: 'job', wait: (ns, name) => waitForJob(ctx, ns, name) },
      };
      const done: Promise<string>[] = [];
      for (const o of applied) {
        const w = waits[o.kind];
        if (!w) continue;
        if (ctx.cluster.controllers.includes(w.controller)) done.push(w.wait(o.namespace ?? 'default', o.name));
        else
          done.push(
            Promise.resolve(`${o.kind.toLowerCase()}/${o.name} not run (no ${w.controller} controller in this build)`),
          );
      }
      return `${applied.length} objects applied; converged: ${(await Promise.all(done)).join(', ')}`;
    },
  };
}
