import { isDeepStrictEqual } from 'node:util';
import {
  type Clock,
  type Deployment,
  type EventRecorder,
  ensureFinalizer,
  isReason,
  type Manager,
  type Pod,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
  removeFinalizer,
  type Service,
} from '@flotilla/core';
import type { Website } from './website.js';
import { deploymentMatches, desiredDeployment, desiredService, WEBSITE_LABEL } from './website-children.js';
import { websiteStatus } from './website-status.js';

/**
 * The finalizer that holds a deleted Website until its pods are gone, so
 * that "the Website is deleted" also means "nothing of it still runs"
 * (owner references alone would let the Website vanish first).
 */
export const WEBSITE_FINALIZER = 'example.flotilla.dev/cleanup';

/** How soon to look again while waiting for a deletion that no watched event may announce. */
const CLEANUP_POLL_MS = 1000;

/** Ignores NotFound: deleting what is already gone is success for a level-triggered controller. */
async function deleteIfPresent(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!isReason(err, 'NotFound')) throw err;
  }
}

/**
 * Makes a Website's world match its spec: a Deployment running
 * `spec.replicas` copies of `spec.image`, a Service in front of them, and a
 * status saying how ready they are. On deletion it removes both children
 * (the Deployment in the foreground, so its pods go first) and only then
 * releases the Website's finalizer.
 *
 * Guarantees: level-triggered and idempotent. Every call reads the caches,
 * compares with the desired state and writes only the difference, so a
 * reconcile of an unchanged world writes nothing.
 */
export class WebsiteReconciler implements Reconciler {
  constructor(
    private readonly manager: Manager,
    private readonly events: EventRecorder,
  ) {}

  // #region reconcile
  async reconcile({ namespace, name }: ReconcileRequest): Promise<ReconcileResult | undefined> {
    const site = this.manager.informers.for<Website>('Website').cache.get(namespace, name);
    if (!site) return undefined;
    if (site.metadata.deletionTimestamp) return this.cleanUp(site);
    const current = await ensureFinalizer(this.websites, site, WEBSITE_FINALIZER);
    const deployment = await this.ensureDeployment(current);
    await this.ensureService(current);
    await this.writeStatus(current, deployment);
    return undefined;
  }
  // #endregion reconcile

  private get websites() {
    return this.manager.api.resource<Website>('Website');
  }

  private get clock(): Clock {
    return this.manager.clock;
  }

  private async ensureDeployment(site: Website): Promise<Readonly<Deployment> | undefined> {
    const { namespace, name } = site.metadata;
    const desired = desiredDeployment(site);
    const current = this.manager.informers.for<Deployment>('Deployment').cache.get(namespace, name);
    const deployments = this.manager.api.resource('Deployment');
    if (!current) {
      const created = await deployments.create(desired);
      await this.events.event(
        site,
        'Normal',
        'CreatedDeployment',
        `Created Deployment ${name} running ${site.spec.image}`,
      );
      return created;
    }
    if (deploymentMatches(current, desired)) return current;
    const updated = await deployments.update({
      ...structuredClone(current),
      spec: { ...current.spec, ...desired.spec },
    } as Deployment);
    await this.events.event(
      site,
      'Normal',
      'UpdatedDeployment',
      `Deployment ${name} now runs ${desired.spec.replicas} replicas of ${site.spec.image}`,
    );
    return updated;
  }

  private async ensureService(site: Website): Promise<void> {
    const { namespace, name } = site.metadata;
    if (this.manager.informers.for<Service>('Service').cache.get(namespace, name)) return;
    await this.manager.api.resource('Service').create(desiredService(site));
    await this.events.event(site, 'Normal', 'CreatedService', `Created Service ${name}`);
  }

  private async writeStatus(site: Website, deployment: Readonly<Deployment> | undefined): Promise<void> {
    const status = websiteStatus(site, deployment, this.clock);
    if (isDeepStrictEqual(site.status, status)) return;
    const wasReady = site.status?.readyReplicas ?? 0;
    await this.websites.updateStatus({ ...site, status });
    if (status.readyReplicas !== wasReady && status.readyReplicas === (site.spec.replicas ?? 1)) {
      await this.events.event(
        site,
        'Normal',
        'Ready',
        `All ${status.readyReplicas} replicas are ready at ${status.url}`,
      );
    }
  }

  // #region cleanup
  private async cleanUp(site: Readonly<Website>): Promise<ReconcileResult | undefined> {
    if (!site.metadata.finalizers?.includes(WEBSITE_FINALIZER)) return undefined;
    const { namespace = 'default', name } = site.metadata;
    await deleteIfPresent(() => this.manager.api.resource('Service').delete(namespace, name));
    await deleteIfPresent(() =>
      this.manager.api.resource('Deployment').delete(namespace, name, { propagationPolicy: 'Foreground' }),
    );
    const deployment = this.manager.informers.for<Deployment>('Deployment').cache.get(namespace, name);
    const pods = this.manager.informers
      .for<Pod>('Pod')
      .cache.list({ namespace, labelSelector: { matchLabels: { [WEBSITE_LABEL]: name } } });
    if (deployment || pods.length > 0) return { requeueAfterMs: CLEANUP_POLL_MS };
    await this.events.event(site, 'Normal', 'CleanedUp', `Deleted the Deployment and Service of ${name}; releasing it`);
    await removeFinalizer(this.websites, site, WEBSITE_FINALIZER);
    return undefined;
  }
  // #endregion cleanup
}

/** The pods' Website, so a pod's change (a pod gone during cleanup) wakes its Website. */
function websiteOfPod(pod: Readonly<Pod>): ReconcileRequest[] {
  const site = pod.metadata.labels?.[WEBSITE_LABEL];
  return site ? [{ namespace: pod.metadata.namespace, name: site }] : [];
}

// #region register
/**
 * Adds the Website controller to `manager`: reconciles Websites, wakes on
 * the Deployments and Services they own and on their pods. Register the
 * kind with the Api (`api.registerResource(websiteType)`) first.
 */
export function registerWebsiteController(manager: Manager, events: EventRecorder): void {
  manager
    .controller('website')
    .for('Website')
    .owns('Deployment')
    .owns('Service')
    .watches<Pod>('Pod', websiteOfPod)
    .concurrency(2)
    .reconcile(new WebsiteReconciler(manager, events));
}
// #endregion register
