import type { InformerEvent } from '../informer/types.js';
import type { KubeObject } from '../model/meta.js';

/** Decides whether an informer event should wake a controller (controller-runtime's `predicate`). */
export type Predicate<T extends KubeObject = KubeObject> = (event: InformerEvent<T>) => boolean;

/** An update that changed a field picked by `pick`; every add and delete passes. */
function changed(pick: (obj: Readonly<KubeObject>) => unknown): Predicate {
  return (event) =>
    event.type !== 'updated' ||
    !event.oldObject ||
    JSON.stringify(pick(event.oldObject)) !== JSON.stringify(pick(event.object));
}

/** Passes updates that bumped `metadata.generation` (spec changes), not status-only updates or resyncs. */
export const generationChanged: Predicate = changed((o) => o.metadata.generation);

/** Passes updates that changed `metadata.labels`. */
export const labelsChanged: Predicate = changed((o) => o.metadata.labels ?? {});

/** Passes updates that changed `metadata.annotations`. */
export const annotationsChanged: Predicate = changed((o) => o.metadata.annotations ?? {});

/** Passes every real change and drops resync re-deliveries (same resourceVersion). */
export const resourceVersionChanged: Predicate = changed((o) => o.metadata.resourceVersion);

/** Passes an event that any of `predicates` passes. */
export function anyOf<T extends KubeObject>(...predicates: Predicate<T>[]): Predicate<T> {
  return (event) => predicates.some((p) => p(event));
}
