import { createServer, type Server } from 'node:http';
import type { Logger } from '@flotilla/core';
import type { FakeRuntime } from '@flotilla/runtime';
import type { Subscription } from 'rxjs';
import { simulatedImages } from './images.js';

/**
 * Makes simulated pods real on the network: while FakeRuntime runs a
 * container whose image has an `httpPort`, an HTTP server listens on the
 * pod's IP (a loopback address from the node's 127.x podCIDR) and answers
 * every request with the pod's name and image. So a request through the
 * service proxy really travels to "the pod" and says who answered.
 *
 * Guarantees: the server opens when the container starts and closes when it
 * stops or is removed (open connections finish); a pod IP reused later gets
 * the new pod's server.
 *
 * Caveats: a node stopped by aborting its agent leaves its runtime, and so
 * its servers, running: like a partitioned node, whose apps keep serving.
 */
export class PodServers {
  private readonly servers = new Map<string, Server>();
  private readonly subscription: Subscription;

  constructor(
    private readonly runtime: FakeRuntime,
    private readonly logger: Logger,
  ) {
    this.subscription = runtime.containerEvents$.subscribe((event) => {
      if (event.containerEventType === 'CONTAINER_STARTED_EVENT') {
        this.open(event.containerId, event.podSandboxId).catch((err: unknown) =>
          this.logger.warn({ err, containerId: event.containerId }, 'simulated app could not listen'),
        );
      } else if (event.containerEventType !== 'CONTAINER_CREATED_EVENT') {
        this.close(event.containerId);
      }
    });
  }

  /** Closes every server and stops following the runtime. */
  async stop(): Promise<void> {
    this.subscription.unsubscribe();
    await Promise.all([...this.servers.keys()].map((id) => this.close(id)));
  }

  private async open(containerId: string, sandboxId: string): Promise<void> {
    const status = await this.runtime.containerStatus(containerId);
    const port = simulatedImages[status.image.image]?.httpPort;
    if (port === undefined) return;
    const sandbox = await this.runtime.podSandboxStatus(sandboxId);
    const body = `hello from ${sandbox.metadata.name} (${status.image.image})\n`;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
      res.end(body);
    });
    this.servers.set(containerId, server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, sandbox.network.ip, () => resolve());
    });
    // The container may have stopped while the server was binding.
    if (this.servers.get(containerId) !== server) server.close();
  }

  private close(containerId: string): Promise<void> {
    const server = this.servers.get(containerId);
    if (!server) return Promise.resolve();
    this.servers.delete(containerId);
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
