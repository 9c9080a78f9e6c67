import type { KubeObject, ObjectCache, Pod, Service } from '@flotilla/core';
import { withIndex } from './ensure-index.js';

/** Pods indexed by each `namespace/key=value` label pair they carry. */
export const PODS_BY_LABEL_INDEX = 'flotilla.controllers/pods-by-label';
/** Services indexed by each `namespace/key=value` pair of their selector. */
export const SERVICES_BY_SELECTOR_INDEX = 'flotilla.controllers/services-by-selector';

function pairs(namespace: string | undefined, labels: Record<string, string> | undefined): string[] {
  return Object.entries(labels ?? {}).map(([k, v]) => `${namespace ?? ''}/${k}=${v}`);
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const k in selector) if (labels?.[k] !== selector[k]) return false;
  return true;
}

/**
 * The pods a Service's map selector matches, in its namespace, through a
 * label-pair index: the smallest bucket among the selector's pairs is
 * scanned, so the cost follows the number of matching pods, not of all pods
 * in the namespace. An empty or absent selector matches nothing here
 * (Kubernetes leaves selector-less services to their owners).
 */
export function podsForService(pods: ObjectCache<Pod>, svc: Readonly<Service>): Readonly<Pod>[] {
  const selector = svc.spec.selector;
  const wanted = pairs(svc.metadata.namespace, selector);
  if (!selector || wanted.length === 0) return [];
  const cache = withIndex(pods, PODS_BY_LABEL_INDEX, (p) => pairs(p.metadata.namespace, p.metadata.labels));
  let smallest: readonly Readonly<Pod>[] | undefined;
  for (const pair of wanted) {
    const bucket = cache.byIndex(PODS_BY_LABEL_INDEX, pair);
    if (!smallest || bucket.length < smallest.length) smallest = bucket;
    if (bucket.length === 0) break;
  }
  return (smallest ?? []).filter((p) => matches(selector, p.metadata.labels));
}

/** The Services (with selectors) whose selector matches `obj`'s labels, in its namespace. */
export function servicesSelecting(services: ObjectCache<Service>, obj: Readonly<KubeObject>): Readonly<Service>[] {
  const cache = withIndex(services, SERVICES_BY_SELECTOR_INDEX, (s) => pairs(s.metadata.namespace, s.spec.selector));
  const found = new Map<string, Readonly<Service>>();
  for (const pair of pairs(obj.metadata.namespace, obj.metadata.labels)) {
    for (const svc of cache.byIndex(SERVICES_BY_SELECTOR_INDEX, pair)) {
      if (matches(svc.spec.selector ?? {}, obj.metadata.labels)) found.set(svc.metadata.name, svc);
    }
  }
  return [...found.values()];
}
