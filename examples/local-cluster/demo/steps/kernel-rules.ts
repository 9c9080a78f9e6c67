import type { KernelProxy } from '../../kernel-proxy.js';
import type { DemoStep } from '../step.js';
import { waitFor } from '../wait-for.js';
import { livePods } from '../workloads.js';

/** Shows the kernel rules the Proxier keeps for service web, and checks they name every web pod. */
export function kernelRulesStep(proxy: KernelProxy): DemoStep {
  return {
    title: `${proxy.mode} rules`,
    explain:
      `Reading the ${proxy.mode} rules that the Proxier (kube-proxy as a library) keeps in network namespace ` +
      `${proxy.namespace}: service web's ClusterIP leads to one rule per pod.`,
    needs: ['service', 'endpointslice'],
    async run(ctx) {
      const pods = livePods(ctx, 'app=web')
        .map((p) => p.status?.podIP)
        .filter((ip): ip is string => ip !== undefined);
      const rules = await waitFor(
        ctx.clock,
        `${proxy.mode} rules naming every web pod`,
        async () => {
          const text = await proxy.rules();
          return pods.every((ip) => text.includes(ip)) ? text : undefined;
        },
        ctx.timeoutMs,
      );
      const lines = rules.split('\n').filter((l) => pods.some((ip) => l.includes(ip)));
      for (const line of lines.slice(0, 8)) ctx.display.say(`  ${line.trim()}`);
      return `${rules.split('\n').length} lines of ${proxy.mode} rules in ${proxy.namespace}; ${lines.length} name web's ${pods.length} pods`;
    },
  };
}
