import type { Clock } from '@flotilla/core';
import type { ProxyEndpoint, ServicePortState } from '../state/proxy-state.js';

const endpointKey = (ep: ProxyEndpoint) => `${ep.ip}:${ep.port}`;

/**
 * Chooses endpoints for one service port: round-robin over the usable
 * endpoints, or, with ClientIP affinity, the endpoint a client used last
 * while that choice is younger than the timeout (read from the injected
 * clock).
 */
export class EndpointPicker {
  private next = 0;
  private endpoints: readonly ProxyEndpoint[] = [];
  private affinitySeconds: number | undefined;
  private readonly affinity = new Map<string, { endpoint: string; at: number }>();

  constructor(private readonly clock: Clock) {}

  /** Takes the endpoints (cluster or local, per internal traffic policy) and affinity of `port`. */
  update(port: ServicePortState): void {
    this.endpoints = port.internalPolicyLocal ? port.localEndpoints : port.clusterEndpoints;
    this.affinitySeconds = port.affinityTimeoutSeconds;
    const live = new Set(this.endpoints.map(endpointKey));
    for (const [client, choice] of this.affinity) if (!live.has(choice.endpoint)) this.affinity.delete(client);
  }

  /** Whether `endpoint` is one of the endpoints this picker chooses from now. */
  has(endpoint: ProxyEndpoint): boolean {
    return this.endpoints.some((ep) => ep.ip === endpoint.ip && ep.port === endpoint.port);
  }

  /**
   * The endpoints to try for a connection from `clientIP`, in order: the
   * pinned one first (if any), then the others from the round-robin position.
   */
  candidates(clientIP: string): ProxyEndpoint[] {
    const n = this.endpoints.length;
    if (n === 0) return [];
    const start = this.next % n;
    this.next = (start + 1) % n;
    const order = Array.from({ length: n }, (_, i) => this.endpoints[(start + i) % n]);
    const pinned = this.pinned(clientIP);
    if (!pinned) return order;
    return [pinned, ...order.filter((ep) => ep !== pinned)];
  }

  /** Records that `clientIP` was served by `endpoint` (refreshing its affinity). */
  served(clientIP: string, endpoint: ProxyEndpoint): void {
    if (this.affinitySeconds !== undefined) {
      this.affinity.set(clientIP, { endpoint: endpointKey(endpoint), at: this.clock.now() });
    }
  }

  private pinned(clientIP: string): ProxyEndpoint | undefined {
    if (this.affinitySeconds === undefined) return undefined;
    const choice = this.affinity.get(clientIP);
    if (!choice) return undefined;
    if (this.clock.now() - choice.at > this.affinitySeconds * 1000) {
      this.affinity.delete(clientIP);
      return undefined;
    }
    return this.endpoints.find((ep) => endpointKey(ep) === choice.endpoint);
  }
}
