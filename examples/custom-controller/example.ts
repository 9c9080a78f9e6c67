import type { Deployment, Event, Pod, Service } from '@flotilla/core';
import { SandboxCluster } from './sandbox-cluster.js';
import { type Website, website } from './website.js';
import { isWebsiteReady } from './website-status.js';

/** What the walk-through saw, for the reader and for the test that runs it. */
export interface WalkthroughResult {
  /** The Website's status once its two replicas were ready. */
  created: Website['status'];
  /** The status after scaling to three. */
  scaled: Website['status'];
  /** Reasons of the Events the controller recorded about the Website, oldest first. */
  eventReasons: string[];
  /** What was left of the site once its deletion completed. */
  leftovers: { deployments: number; services: number; pods: number };
}

/** Where the walk-through narrates; `console.log` in `main.ts`, a no-op in tests. */
export type Narrator = (line: string) => void;

const NAMESPACE = 'default';
const NAME = 'hello';

/**
 * The custom-controller walk-through: starts a sandbox cluster, creates a
 * Website, waits until its pods are ready, scales it, deletes it and checks
 * that the finalizer held the Website until everything it owned was gone.
 */
export async function runWalkthrough(say: Narrator): Promise<WalkthroughResult> {
  const cluster = await SandboxCluster.start();
  try {
    const sites = cluster.api.resource<Website>('Website');
    const siteIs = (check: (site: Readonly<Website> | undefined) => boolean) =>
      cluster.until<Website>('Website', (all) => check(all.find((s) => s.metadata.name === NAME)));

    say(`creating Website ${NAMESPACE}/${NAME}: image nginx:1.27, 2 replicas`);
    await sites.create(website(NAMESPACE, NAME, { image: 'nginx:1.27', replicas: 2 }));
    await siteIs((s) => isWebsiteReady(s) && s?.status?.readyReplicas === 2);
    const created = (await sites.get(NAMESPACE, NAME)).status;
    say(`ready: ${created?.readyReplicas} replicas at ${created?.url}`);

    say('scaling to 3 replicas');
    await sites.patch(NAMESPACE, NAME, { spec: { replicas: 3 } });
    await siteIs((s) => isWebsiteReady(s) && s?.status?.readyReplicas === 3);
    const scaled = (await sites.get(NAMESPACE, NAME)).status;
    say(`ready: ${scaled?.readyReplicas} replicas`);

    say('deleting the Website; its finalizer holds it until the pods are gone');
    await sites.delete(NAMESPACE, NAME);
    await siteIs((s) => s === undefined);
    const [deployments, services, pods, events] = await Promise.all([
      cluster.api.resource<Deployment>('Deployment').list({ namespace: NAMESPACE }),
      cluster.api.resource<Service>('Service').list({ namespace: NAMESPACE }),
      cluster.api.resource<Pod>('Pod').list({ namespace: NAMESPACE }),
      cluster.api.resource<Event>('Event').list({ namespace: NAMESPACE }),
    ]);
    const eventReasons = events.items
      .filter((e) => e.involvedObject.kind === 'Website' && e.involvedObject.name === NAME)
      // Event names are `<object>.<hex milliseconds><random>`, so name order is time order.
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .map((e) => e.reason ?? '');
    say(`gone; events recorded: ${eventReasons.join(', ')}`);
    return {
      created,
      scaled,
      eventReasons,
      leftovers: {
        deployments: deployments.items.filter((d) => d.metadata.name === NAME).length,
        services: services.items.filter((s) => s.metadata.name === NAME).length,
        pods: pods.items.length,
      },
    };
  } finally {
    await cluster.stop();
  }
}
