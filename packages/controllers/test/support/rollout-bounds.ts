import type { Deployment, Pod, WatchEvent } from '@flotilla/core';
import type { Subscription } from 'rxjs';
import { resolveFenceposts } from '../../src/deployment/rolling-math.js';
import { isPodActive, isPodAvailable } from '../../src/pod-control/pod-state.js';
import type { TestCluster } from './cluster.js';

/**
 * Watches every pod write of a rollout and records a violation whenever the
 * controllers (not the test) break a bound: a pod created while the
 * non-terminating pods exceed `replicas + maxSurge`, or an available pod
 * deleted (by a controller) leaving fewer than `replicas - maxUnavailable`
 * available. The Deployment spec in force is read at each event.
 */
export class RolloutBounds {
  readonly violations: string[] = [];
  /** Pods the test deletes itself: their removal is not the controllers' doing. */
  readonly deletedByTest = new Set<string>();
  private readonly pods = new Map<string, Pod>();
  private deployment?: Deployment;
  private readonly subs: Subscription[] = [];

  constructor(private readonly cluster: TestCluster) {}

  start(name: string): void {
    this.subs.push(
      this.cluster.api
        .resource('Deployment')
        .watch({ namespace: 'default' })
        .subscribe((e) => {
          if (e.object.metadata.name === name) this.deployment = e.object;
        }),
      this.cluster.api
        .resource('Pod')
        .watch({ namespace: 'default' })
        .subscribe((e) => this.onPod(e)),
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
    const { maxSurge } = resolveFenceposts(d);
    const maxUnavailable = Math.min(resolveFenceposts(d).maxUnavailable, replicas);
    const now = this.cluster.clock.now();
    const active = [...this.pods.values()].filter(isPodActive);
    if (e.type === 'ADDED' && active.length > replicas + maxSurge) {
      this.violations.push(`created ${name}: ${active.length} pods > ${replicas} + ${maxSurge}`);
    }
    const startedDeleting = before && isPodActive(before) && !isPodActive(e.object) && e.type !== 'DELETED';
    const removedActive = e.type === 'DELETED' && before && isPodActive(before);
    if ((startedDeleting || removedActive) && !this.deletedByTest.has(name) && isPodAvailable(before, 0, now)) {
      const available = active.filter((p) => isPodAvailable(p, 0, now)).length;
      if (available < replicas - maxUnavailable) {
        this.violations.push(`deleted available ${name}: ${available} available < ${replicas} - ${maxUnavailable}`);
      }
    }
  }
}
