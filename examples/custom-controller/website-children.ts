import { type Deployment, type Service, setControllerReference } from '@flotilla/core';
import type { Website } from './website.js';

/** The label that ties a Website's pods to it (the Deployment's selector and the Service's). */
export const WEBSITE_LABEL = `example.flotilla.dev/website`;

/** The port the site's containers listen on and the Service exposes. */
export const WEBSITE_PORT = 80;

/** The in-cluster address of a Website: its Service's DNS name. */
export function websiteUrl(site: Website): string {
  return `http://${site.metadata.name}.${site.metadata.namespace}.svc.cluster.local`;
}

/**
 * The Deployment a Website should own. The controller reference makes the
 * Website's controller wake on the Deployment's changes and lets the garbage
 * collector remove it should the Website vanish without its finalizer.
 */
export function desiredDeployment(site: Website): Deployment {
  const labels = { [WEBSITE_LABEL]: site.metadata.name };
  return setControllerReference(site, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace: site.metadata.namespace, name: site.metadata.name, labels },
    spec: {
      replicas: site.spec.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [{ name: 'web', image: site.spec.image, ports: [{ containerPort: WEBSITE_PORT }] }],
        },
      },
    },
  });
}

/** The Service a Website should own: the site's pods behind one name. */
export function desiredService(site: Website): Service {
  return setControllerReference(site, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: site.metadata.namespace, name: site.metadata.name },
    spec: {
      selector: { [WEBSITE_LABEL]: site.metadata.name },
      ports: [{ name: 'http', port: WEBSITE_PORT, targetPort: WEBSITE_PORT, protocol: 'TCP' }],
    },
  });
}

/** Whether `current` already runs what `desired` asks for (the fields the Website controls). */
export function deploymentMatches(current: Readonly<Deployment>, desired: Deployment): boolean {
  return (
    current.spec.replicas === desired.spec.replicas &&
    current.spec.template.spec.containers[0]?.image === desired.spec.template.spec.containers[0]?.image
  );
}
