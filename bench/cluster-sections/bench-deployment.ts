import type { Deployment } from '@flotilla/core';

/** The Deployment every cluster run applies: `replicas` small pods, so that nodes hold them all. */
export function benchDeployment(replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'bench', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'bench' } },
      template: {
        metadata: { labels: { app: 'bench' } },
        spec: {
          containers: [{ name: 'app', image: 'bench/app:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
        },
      },
    },
  };
}
