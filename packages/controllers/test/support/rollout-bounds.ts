import type { Deployment, Pod, WatchEvent } from '@flotilla/core';
import type { Subscription } from 'rxjs';
import { deploymentFenceposts } from '../../src/deployment/rolling-math.js';
import { isPodActive, isPodAvailable } from '../../src/pod-control/pod-state.js';
import type { TestCluster } from './cluster.js';

/**
 * Watches every pod write of a rollout and records a violation whenever the
 * controllers (not the test) break a bound: a pod created while the
 * non-terminating pods exceed `replicas + maxSurge`, or an available pod
 * deleted (by a controller) leaving fewer than `replicas - maxUnavailable`
 * available. The Deployment spec in force is read at each event.
 *
 * A pod the test deletes is owed a replacement: its ReplicaSet may replace
 * it before a concurrent scale-down of another set has removed a pod (two
 * ReplicaSet syncs race, in Kubernetes as here), so the next creation after
 * a test deletion is not held against the surge bound.
 */
export class RolloutBounds {
  readonly violations: string[] = [];
  /** Pods the test deletes itself: their removal is not the controllers' doing. */
  readonly deletedByTest = new Set<string>();
  private readonly pods = new Map<string, Pod>();
  private replacementsOwed = 0;
  private deployment?: Deployment;
  private readonly subs: Subscription[] = [];

  constructor(private readonly cluster: TestCluster) {}

  /**
   * Starts watching: the Deployment and the pods that exist now seed the
   * picture, then every later write from the same revision on.
   */
  async start(name: string): Promise<void> {
    const deployments = this.cluster.api.resource('Deployment');
    const pods = this.cluster.api.resource('Pod');
    this.deployment = await deployments.get('default', name);
    const list = await pods.list({ namespace: 'default' });
    for (const p of list.items) this.pods.set(p.metadata.name, p);
    this.subs.push(
      deployments.watch({ namespace: 'default', resourceVersion: list.resourceVersion }).subscribe((e) => {
        if (e.object.metadata.name === name) this.deployment = e.object;
      }),
      pods.watch({ namespace: 'default', resourceVersion: list.resourceVersion }).subscribe((e) => this.onPod(e)),
    );
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
  }

  private onPod(e: WatchEvent<Pod>): void {
    const name = e.object.metadata.name;
    const before = this.pods.get(name);
    if (e.type === 'DELETED') this.pods.delete(name);
    else this.pods.set(name, e.object);
    const d = this.deployment;
    if (!d) return;
    const replicas = d.spec.replicas ?? 1;
    const { maxSurge, maxUnavailable: unavailable } = deploymentFenceposts(d);
    const maxUnavailable = Math.min(unavailable, replicas);
    const now = this.cluster.clock.now();
    const active = [...this.pods.values()].filter(isPodActive);
    const startedDeleting = before && isPodActive(before) && !isPodActive(e.object) && e.type !== 'DELETED';
    const removedActive = e.type === 'DELETED' && before && isPodActive(before);
    if (e.type === 'ADDED') {
      const excused = this.replacementsOwed > 0;
      if (excused) this.replacementsOwed--;
      if (!excused && active.length > replicas + maxSurge) {
        this.violations.push(`created ${name}: ${active.length} pods > ${replicas} + ${maxSurge}`);
      }
    }
    if ((startedDeleting || removedActive) && this.deletedByTest.has(name)) this.replacementsOwed++;
    if ((startedDeleting || removedActive) && !this.deletedByTest.has(name) && isPodAvailable(before, 0, now)) {
      const available = active.filter((p) => isPodAvailable(p, 0, now)).length;
      if (available < replicas - maxUnavailable) {
        this.violations.push(`deleted available ${name}: ${available} available < ${replicas} - ${maxUnavailable}`);
      }
    }
  }
}
