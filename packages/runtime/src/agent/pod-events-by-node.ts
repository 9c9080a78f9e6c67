import type { InformerEvent, Pod, SharedInformer } from '@flotilla/core';
import { Observable, type Subscriber, type Subscription } from 'rxjs';

/** One subscription to a shared Pod informer, handing each event to the subscribers of the pod's node. */
class PodEventRouter {
  private readonly byNode = new Map<string, Set<Subscriber<InformerEvent<Pod>>>>();
  private upstream?: Subscription;

  constructor(private readonly informer: SharedInformer<Pod>) {}

  add(nodeName: string, subscriber: Subscriber<InformerEvent<Pod>>): () => void {
    // The informer replays its cache to a new subscription only: an agent joining the shared one gets
    // the pods already bound to its node here, or it would never run them (the scheduler may bind to
    // a node as soon as it is registered, before its agent subscribes).
    if (this.upstream) {
      for (const object of this.informer.cache.list()) {
        if (object.spec.nodeName === nodeName) subscriber.next({ type: 'added', object, isInInitialList: true });
      }
    }
    let subscribers = this.byNode.get(nodeName);
    if (!subscribers) {
      subscribers = new Set();
      this.byNode.set(nodeName, subscribers);
    }
    subscribers.add(subscriber);
    this.upstream ??= this.informer.events$.subscribe((e) => this.route(e));
    return () => {
      subscribers.delete(subscriber);
      if (subscribers.size === 0) this.byNode.delete(nodeName);
      if (this.byNode.size > 0) return;
      this.upstream?.unsubscribe();
      this.upstream = undefined;
    };
  }

  private route(e: InformerEvent<Pod>): void {
    const nodeName = e.object.spec.nodeName;
    if (!nodeName) return;
    const subscribers = this.byNode.get(nodeName);
    if (subscribers) for (const s of [...subscribers]) s.next(e);
  }
}

const routers = new WeakMap<SharedInformer<Pod>, PodEventRouter>();

/**
 * The events of `informer` for pods bound to `nodeName` (by `spec.nodeName`,
 * as the kubelet's field-selected watch), in the informer's order. Every
 * agent reading the same informer shares one subscription to it, which
 * looks up each event's node once: an event costs one map lookup instead of
 * one filter call per agent in the process (5,000 agents on one cluster-wide
 * informer would otherwise run 5,000 filters per pod write).
 */
export function podEventsOfNode(informer: SharedInformer<Pod>, nodeName: string): Observable<InformerEvent<Pod>> {
  return new Observable((subscriber) => {
    let router = routers.get(informer);
    if (!router) {
      router = new PodEventRouter(informer);
      routers.set(informer, router);
    }
    return router.add(nodeName, subscriber);
  });
}
