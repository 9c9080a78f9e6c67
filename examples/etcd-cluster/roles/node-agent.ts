import { DockerRuntime, NodeAgent } from '@flotilla/runtime';
import type { RoleContext } from './role-context.js';

/** The Docker network the example's pods join, inside the 198.18.0.0/15 test range. */
export const EXAMPLE_NETWORK = { name: 'flotilla-etcd-example', subnet: '198.19.253.0/24' };

/** The image the example's pods and sandboxes run: built locally from busybox by `scripts/docker.ts`. */
export const EXAMPLE_IMAGE = 'flotilla/busybox:latest';

/**
 * The kubelet on Docker. Both node agents share the host's dockerd; each
 * sees only its own sandboxes (the runtime labels them with the node name).
 */
// #region node-agent
export async function runNodeAgent(ctx: RoleContext): Promise<void> {
  const { api, clock, logger, name, signal } = ctx;
  const runtime = new DockerRuntime({ network: EXAMPLE_NETWORK, sandboxImage: EXAMPLE_IMAGE, clock, logger });
  const agent = new NodeAgent({ api, runtime, clock, logger, nodeName: name, nodeStatusIntervalMs: 5000 });
  const running = agent.run(signal);
  ctx.report({ event: 'ready' });
  await running;
}
// #endregion node-agent
