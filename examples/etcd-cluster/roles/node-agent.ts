import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import type { RoleContext } from './role-context.js';

/** Each node's pod network: `10.244.<n>.0/24` for the node named `...-<n>`, so pod IPs never collide. */
function podCidrOf(nodeName: string): string {
  const ordinal = Number(/-(\d+)$/.exec(nodeName)?.[1] ?? 0);
  return `10.244.${ordinal}.0/24`;
}

/**
 * The kubelet on a FakeRuntime (containers simulated in the process, with
 * real pod lifecycles and IPs): it registers its Node, heartbeats its Lease
 * and runs the pods bound to it, as `system:node:<name>` through the Node
 * authorizer. Swap in `DockerRuntime` for real containers.
 */
// #region node-agent
export async function runNodeAgent(ctx: RoleContext): Promise<void> {
  const { api, clock, logger, name, signal } = ctx;
  const podCIDR = podCidrOf(name);
  const runtime = new FakeRuntime({ clock, podCIDR });
  const agent = new NodeAgent({ api, runtime, clock, logger, nodeName: name, podCIDR, nodeStatusIntervalMs: 5000 });
  const running = agent.run(signal);
  ctx.report({ event: 'ready' });
  await running;
}
// #endregion node-agent
