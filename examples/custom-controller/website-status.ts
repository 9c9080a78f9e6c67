import type { Clock, Condition, Deployment } from '@flotilla/core';
import { toTimestamp } from '@flotilla/core';
import type { Website, WebsiteStatus } from './website.js';
import { websiteUrl } from './website-children.js';

/** The Ready condition as the Deployment's readiness says it should be now. */
function readyCondition(desired: number, ready: number): Omit<Condition, 'lastTransitionTime'> {
  return ready >= desired
    ? { type: 'Ready', status: 'True', reason: 'AllReplicasReady', message: `${ready}/${desired} replicas ready` }
    : { type: 'Ready', status: 'False', reason: 'ReplicasNotReady', message: `${ready}/${desired} replicas ready` };
}

/**
 * The status a Website should have given its Deployment (absent while not
 * yet created). The Ready condition keeps its `lastTransitionTime` unless
 * its status flips, as Kubernetes conditions do, so an unchanged world
 * yields an identical status and no write.
 */
export function websiteStatus(
  site: Readonly<Website>,
  deployment: Readonly<Deployment> | undefined,
  clock: Clock,
): WebsiteStatus {
  const desired = site.spec.replicas ?? 1;
  const ready = deployment?.status?.readyReplicas ?? 0;
  const next = readyCondition(desired, ready);
  const previous = site.status?.conditions?.find((c) => c.type === 'Ready');
  const lastTransitionTime =
    previous?.status === next.status && previous.lastTransitionTime
      ? previous.lastTransitionTime
      : toTimestamp(clock.now());
  return {
    observedGeneration: site.metadata.generation,
    readyReplicas: ready,
    url: websiteUrl(site as Website),
    conditions: [{ ...next, lastTransitionTime }],
  };
}

/** Whether the Website is fully ready by its own status. */
export function isWebsiteReady(site: Readonly<Website> | undefined): boolean {
  return (
    site?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true &&
    site.status?.observedGeneration === site.metadata.generation
  );
}
