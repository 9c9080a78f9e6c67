import { applyManifests, type ManifestFailure, readManifests } from '../../manifests.js';
import { followWorkloads, outcomeLine } from '../follow-workloads.js';
import type { DemoStep } from '../step.js';

/**
 * Applies every manifest of `dir`, reporting each file or object that fails
 * and applying the rest, then follows each applied workload to its expected
 * state: Deployments and ReplicaSets rolled out, DaemonSets on every node,
 * Jobs complete, bare Pods ready. The step fails (and the program exits 1)
 * unless everything applied and converged.
 */
export function convergeStep(dir: string): DemoStep {
  return {
    title: 'apply manifests',
    explain: `Applying the manifests in ${dir} through the Api, as kubectl apply would; then every controller takes over.`,
    async run(ctx) {
      const say = (line: string) => ctx.display.say(line);
      const st = ctx.display.style;
      const manifests = await readManifests(dir);
      const { applied, failures } = await applyManifests(ctx.cluster.api, manifests.objects);
      const refused: ManifestFailure[] = [...manifests.failures, ...failures];
      for (const o of applied) say(`  applied ${o.kind.toLowerCase()}/${o.name}`);
      for (const f of refused) say(`  ${st.red('FAILED')} to apply ${f.what}: ${f.message}`);
      const outcomes = await followWorkloads(ctx, applied);
      for (const o of outcomes)
        say(`  ${o.converged ? st.green('converged') : st.red('NOT converged')} ${outcomeLine(o)}`);
      const stuck = outcomes.filter((o) => !o.converged);
      const counts =
        `${applied.length} objects applied, ${refused.length} failed to apply; ` +
        `${outcomes.length - stuck.length} of ${outcomes.length} workloads converged`;
      if (refused.length > 0 || stuck.length > 0) {
        const problems = [...refused.map((f) => `${f.what}: ${f.message}`), ...stuck.map(outcomeLine)];
        throw new Error(`${counts}; ${problems.join('; ')}`);
      }
      return `${counts}: ${outcomes.map((o) => `${o.object.kind.toLowerCase()}/${o.object.name}`).join(', ')}`;
    },
  };
}
