import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNetworkNamespace } from '../../src/apply/command-runner.js';
import { IptablesApplier } from '../../src/apply/iptables-applier.js';
import { NftablesApplier } from '../../src/apply/nftables-applier.js';
import { type IptablesState, iptablesRules } from '../../src/iptables/iptables-rules.js';
import { type NftablesState, nftablesRules } from '../../src/nftables/nftables-rules.js';
import type { ProxyInput } from '../../src/state/proxy-state.js';
import { chiSquareUniform } from '../support/chi-square.js';
import { endpointSlice, service } from '../support/fixtures.js';
import { NetnsHarness } from '../support/netns.js';

const server = fileURLToPath(new URL('../support/identity-server.mjs', import.meta.url));
const probe = fileURLToPath(new URL('../support/http-probe.mjs', import.meta.url));

const BACKENDS = ['198.18.10.2', '198.18.11.2', '198.18.12.2'];
const SPREAD_IP = '198.19.0.10';
const STICKY_IP = '198.19.0.11';
const EMPTY_IP = '198.19.0.12';
/** Load balancer ingress IPs: one whose source ranges hold the client's address (198.18.1.2), one whose do not. */
const OPEN_LB_IP = '198.19.1.20';
const CLOSED_LB_IP = '198.19.1.21';
const CLOSED_CLUSTER_IP = '198.19.0.14';
const CLIENT_RANGES = ['198.18.1.0/24', '198.18.64.0/18'];
const OTHER_RANGES = ['198.18.64.0/18'];

/**
 * The cluster: a plain service and a ClientIP-affinity service over three
 * backends, one without endpoints, and two LoadBalancer services whose
 * source ranges admit the client (`open`) or not (`closed`); `swapRanges`
 * exchanges their ranges.
 */
function cluster(backends: readonly string[], swapRanges = false): ProxyInput {
  const eps = backends.map((ip) => ({ ip, node: 'node-b' }));
  const loadBalancer = (name: string, clusterIP: string, ingress: string, ranges: string[]) =>
    service(
      'default',
      name,
      clusterIP,
      [{ name: 'http', port: 80, nodePort: name === 'open' ? 30080 : 30081 }],
      { type: 'LoadBalancer', loadBalancerSourceRanges: ranges },
      { loadBalancer: { ingress: [{ ip: ingress }] } },
    );
  return {
    nodeName: 'node-a',
    nodeIPs: ['198.18.1.1'],
    services: [
      service('default', 'spread', SPREAD_IP, [{ name: 'http', port: 80 }]),
      service('default', 'sticky', STICKY_IP, [{ name: 'http', port: 80 }], { sessionAffinity: 'ClientIP' }),
      service('default', 'empty', EMPTY_IP, [{ name: 'http', port: 80 }]),
      loadBalancer('open', '198.19.0.13', OPEN_LB_IP, swapRanges ? OTHER_RANGES : CLIENT_RANGES),
      loadBalancer('closed', CLOSED_CLUSTER_IP, CLOSED_LB_IP, swapRanges ? CLIENT_RANGES : OTHER_RANGES),
    ],
    endpointSlices: ['spread', 'sticky', 'open', 'closed'].map((name) =>
      endpointSlice('default', name, [{ name: 'http', port: 8080 }], eps),
    ),
  };
}

/**
 * Opens one TCP connection to `argv[1]:argv[2]` and prints how it ended:
 * `connected`, `timeout` after `argv[3]` ms, or the socket error code. A
 * dropped SYN gets no answer, so the short timeout tells a firewall drop
 * from a refusal (RST) without waiting for the kernel's own SYN retries.
 */
const CONNECT_ONCE = `
const [host, port, ms] = process.argv.slice(1);
const socket = require('node:net').connect({ host, port: Number(port) });
const end = (outcome) => { console.log(outcome); socket.destroy(); };
socket.setTimeout(Number(ms), () => end('timeout'));
socket.on('connect', () => end('connected'));
socket.on('error', (err) => end(err.code));
`;

interface ProbeResult {
  counts: Record<string, number>;
  errors: Record<string, number>;
  ms: number;
}

/** A data plane under test: loads the cluster's rules (fully, then partially) into the node namespace. */
interface DataPlane {
  load(input: ProxyInput): Promise<{ full: boolean }>;
}

function describeDataPlane(name: string, makePlane: (nodeNs: string) => DataPlane) {
  describe(`${name} data plane in network namespaces`, () => {
    const net = new NetnsHarness();
    let client = '';
    let plane: DataPlane;
    const send = async (ip: string, count: number): Promise<ProbeResult> => {
      const { stdout } = await net.exec(client, process.execPath, [probe, ip, '80', String(count)]);
      return JSON.parse(stdout) as ProbeResult;
    };
    const connectOnce = async (ip: string): Promise<string> =>
      (await net.exec(client, process.execPath, ['-e', CONNECT_ONCE, ip, '80', '1000'])).stdout.trim();

    beforeAll(async () => {
      client = await net.namespace('client');
      const node = await net.namespace('node');
      await net.link(client, '198.18.1.2/24', node, '198.18.1.1/24');
      await net.defaultRoute(client, '198.18.1.1');
      await net.forwarding(node);
      await net.uplink(node, '198.18.200.1/24', '198.18.200.2/24');
      for (const [i, ip] of BACKENDS.entries()) {
        const backend = await net.namespace(`be${i}`);
        await net.link(backend, `${ip}/24`, node, `198.18.${10 + i}.1/24`);
        await net.defaultRoute(backend, `198.18.${10 + i}.1`);
        await net.start(backend, process.execPath, [server, `backend-${i}`, '8080']);
      }
      plane = makePlane(node);
      expect((await plane.load(cluster(BACKENDS))).full).toBe(true);
    });
    afterAll(() => net.cleanup());

    it('spreads 300 connections to the ClusterIP over every backend, uniformly (chi-square, p = 0.001)', async () => {
      const result = await send(SPREAD_IP, 300);
      expect(result.errors).toEqual({});
      const observed = BACKENDS.map((_, i) => result.counts[`backend-${i}`] ?? 0);
      expect(observed.every((n) => n > 0)).toBe(true);
      const { statistic, critical } = chiSquareUniform(observed);
      expect(statistic).toBeLessThan(critical);
    });

    it('pins a client to one backend under ClientIP affinity', async () => {
      const result = await send(STICKY_IP, 40);
      expect(result.errors).toEqual({});
      expect(Object.values(result.counts)).toEqual([40]);
    });

    it('refuses connections to a service without endpoints at once (no timeout)', async () => {
      const result = await send(EMPTY_IP, 3);
      expect(result.errors).toEqual({ ECONNREFUSED: 3 });
      expect(result.ms).toBeLessThan(1500);
    });

    it('answers a load balancer IP for a client inside its source ranges', async () => {
      const result = await send(OPEN_LB_IP, 6);
      expect(result.errors).toEqual({});
      expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(6);
    });

    it('drops connections to a load balancer IP from outside its source ranges (a timeout, not a refusal)', async () => {
      expect(await connectOnce(CLOSED_LB_IP)).toBe('timeout');
      // The ranges guard the load balancer IP only: the same service's ClusterIP still answers.
      expect(await connectOnce(CLOSED_CLUSTER_IP)).toBe('connected');
    });

    it('applies changed source ranges on the next (partial) sync', async () => {
      expect((await plane.load(cluster(BACKENDS, true))).full).toBe(false);
      expect(await connectOnce(OPEN_LB_IP)).toBe('timeout');
      expect((await send(CLOSED_LB_IP, 3)).errors).toEqual({});
    });

    it('stops sending to a removed endpoint after the next (partial) sync', async () => {
      expect((await plane.load(cluster(BACKENDS.slice(0, 2)))).full).toBe(false);
      const result = await send(SPREAD_IP, 150);
      expect(result.errors).toEqual({});
      expect(result.counts['backend-2']).toBeUndefined();
      expect((result.counts['backend-0'] ?? 0) + (result.counts['backend-1'] ?? 0)).toBe(150);
      expect(result.counts['backend-0']).toBeGreaterThan(0);
      expect(result.counts['backend-1']).toBeGreaterThan(0);
    });
  });
}

describeDataPlane('iptables (legacy backend)', (node) => {
  const applier = new IptablesApplier({ backend: 'legacy', runner: inNetworkNamespace(node) });
  let previous: IptablesState | undefined;
  return {
    async load(input) {
      const rules = iptablesRules({ ...input, previous });
      await applier.apply(rules);
      previous = rules.state;
      return rules;
    },
  };
});

describeDataPlane('nftables', (node) => {
  const applier = new NftablesApplier({ runner: inNetworkNamespace(node) });
  let previous: NftablesState | undefined;
  return {
    async load(input) {
      const rules = nftablesRules({ ...input, previous });
      await applier.apply(rules);
      previous = rules.state;
      return rules;
    },
  };
});
