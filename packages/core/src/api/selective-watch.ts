import { Observable } from 'rxjs';
import { compileFieldSelector } from '../model/field-selector.js';
import { compileLabelSelector, formatLabelSelector } from '../model/labels.js';
import type { KubeObject, LabelSelector } from '../model/meta.js';
import type { Store, WatchEvent } from '../store/store.js';

/** A label selector and a field selector compiled together: the question "is this object in the result?". */
export interface ObjectSelector {
  /** True when `obj` satisfies both the label and the field selector. */
  matches(obj: KubeObject): boolean;
  /** True when both selectors are empty, so every object matches and no filtering is needed. */
  readonly everything: boolean;
  /** The label selector in string form, for `Store.list` (which filters labels itself); `undefined` when empty. */
  readonly labelSelector: string | undefined;
}

/** Compiles both selectors once; throws `BadRequestError` on bad syntax before anything is read. */
export function compileObjectSelector(
  labelSelector: string | LabelSelector | undefined,
  fieldSelector: string | undefined,
): ObjectSelector {
  const labels = compileLabelSelector(labelSelector);
  const fields = compileFieldSelector(fieldSelector);
  return {
    everything: labels.empty && fields.empty,
    labelSelector: labels.empty
      ? undefined
      : typeof labelSelector === 'string'
        ? labelSelector
        : formatLabelSelector(labelSelector as LabelSelector),
    matches: (obj) => labels.matches(obj.metadata.labels) && fields.matches(obj),
  };
}

const keyOf = (obj: KubeObject) => `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
const revisionOf = (obj: KubeObject) => Number(obj.metadata.resourceVersion);

/**
 * A watch that shows only the objects `selector` selects, the way
 * Kubernetes' watch cache does: an object that starts matching arrives as
 * `ADDED`, one that stops matching as `DELETED` (carrying its new state),
 * and changes to objects outside the selection are not delivered.
 *
 * It first lists the selection (at revision N) to know which objects are in
 * it, then watches from `resourceVersion` if given, else from N.
 *
 * Guarantees: without `resourceVersion`, and for every event after N, each
 * object's transitions are exact.
 *
 * Caveats: for events replayed from a `resourceVersion` older than N, the
 * selection before an object's first replayed event is unknown (the store
 * does not keep previous states); such a first event passes with its own
 * type when the object matches, and a `MODIFIED` object that does not match
 * is delivered as `DELETED`, so a cache built from a list at that
 * `resourceVersion` never keeps an object that left the selection.
 */
export function watchSelected(
  store: Store,
  resource: string,
  opts: { namespace?: string; resourceVersion?: string; shared?: boolean },
  selector: ObjectSelector,
): Observable<WatchEvent> {
  return new Observable<WatchEvent>((subscriber) => {
    let closed = false;
    let inner: { unsubscribe(): void } | undefined;
    store
      // The list only seeds the selection: it reads the store's own objects instead of copying them.
      .list(resource, { namespace: opts.namespace, labelSelector: selector.labelSelector, shared: true })
      .then((list) => {
        if (closed) return;
        const listed = Number(list.resourceVersion);
        /** The selection as of the latest event after the list's revision (seeded by the list). */
        const members = new Set<string>();
        for (const item of list.items) if (selector.matches(item)) members.add(keyOf(item));
        /** Membership after each replayed event up to the list's revision; before its first, unknown. */
        const replayed = new Map<string, boolean>();
        const from = opts.resourceVersion && opts.resourceVersion !== '0' ? opts.resourceVersion : list.resourceVersion;
        // Changes after the list to objects that neither match nor were selected cannot affect the result:
        // the store drops them before copying them (a node agent's watch skips every other node's pods).
        const filter = selector.everything
          ? undefined
          : (obj: Readonly<KubeObject>) =>
              revisionOf(obj) <= listed || selector.matches(obj) || members.has(keyOf(obj));
        const scope = { namespace: opts.namespace, resourceVersion: from, filter, shared: opts.shared };
        inner = store.watch(resource, scope).subscribe({
          next(event) {
            const key = keyOf(event.object);
            const now = selector.matches(event.object);
            const after = event.type !== 'DELETED' && now;
            let was: boolean | undefined;
            if (revisionOf(event.object) > listed) {
              if (replayed.size > 0) replayed.clear();
              was = members.has(key);
              if (after) members.add(key);
              else members.delete(key);
            } else {
              was = replayed.get(key);
              replayed.set(key, after);
            }
            if (event.type === 'DELETED') {
              // A DELETED event carries the last stored state: it was selected exactly when it matches.
              if (now) subscriber.next(event);
            } else if (now) {
              const type = was === true ? 'MODIFIED' : was === false ? 'ADDED' : event.type;
              subscriber.next(type === event.type ? event : { type, object: event.object });
            } else if (was === true || (was === undefined && event.type === 'MODIFIED')) {
              subscriber.next({ type: 'DELETED', object: event.object });
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        });
      })
      .catch((err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
      inner?.unsubscribe();
    };
  });
}
