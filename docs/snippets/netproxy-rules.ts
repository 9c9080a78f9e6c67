import type { Service } from '@flotilla/core';
import { type EndpointSlice, iptablesRules, nftablesRules } from '@flotilla/netproxy';

/** Pure generators: Services and EndpointSlices in, data-plane rule text out. */
async function main() {
  const services: Service[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { clusterIP: '198.19.0.10', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    },
  ];
  const endpointSlices: EndpointSlice[] = [
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      ports: [{ port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: ['198.18.0.11'], conditions: { ready: true } }],
    },
  ];
  const node = { nodeName: 'node-1', nodeIPs: ['198.18.0.1'] };
  const iptables = iptablesRules({ services, endpointSlices, ...node });
  const nft = nftablesRules({ services, endpointSlices, ...node });
  for (const line of iptables.text.split('\n').filter((l) => l.includes('DNAT'))) console.log(line);
  console.log(nft.text.split('\n')[0]);
}

main();
