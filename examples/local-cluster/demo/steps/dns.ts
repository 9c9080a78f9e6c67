import type { Service } from '@flotilla/core';
import { resolveA } from '../service-client.js';
import type { DemoStep } from '../step.js';
import { waitFor } from '../wait-for.js';

const name = 'web.default.svc.cluster.local';

/** Resolves the web Service's name through the cluster DNS server and checks it gives the ClusterIP. */
export const dnsStep: DemoStep = {
  title: 'cluster DNS',
  explain: `Resolving ${name} through the cluster DNS server (UDP on loopback): it answers with the Service's ClusterIP.`,
  needs: ['service'],
  async run(ctx) {
    const { cluster } = ctx;
    const service = cluster.manager.informers.for<Service>('Service').cache.get('default', 'web');
    const clusterIP = service?.spec.clusterIP;
    if (!clusterIP) throw new Error('service web has no ClusterIP; the service controller allocates it');
    const server = { host: cluster.dnsAddress.address, port: cluster.dnsAddress.port };
    const answers = await waitFor(
      ctx.clock,
      `${name} to resolve to ${clusterIP}`,
      async () => {
        const ips = await resolveA(server, name);
        return ips.includes(clusterIP) ? ips : undefined;
      },
      ctx.timeoutMs,
    );
    ctx.display.say(`  dig @${server.host} -p ${server.port} ${name}  ->  ${answers.join(', ')}`);
    return `${name} -> ${answers.join(', ')} (the ClusterIP)`;
  },
};
