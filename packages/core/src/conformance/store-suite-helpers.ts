import { firstValueFrom, type Observable, takeWhile, toArray } from 'rxjs';
import type { KubeObject } from '../model/meta.js';
import type { ObjectKey, Store, WatchEvent } from '../store/store.js';
import type { StoreFixture } from './store-fixture.js';

/** What a section of the suite reads: the current test's store and fixture (made fresh before each test). */
export interface StoreSuite {
  readonly store: Store;
  readonly fixture: StoreFixture;
}

/** A ConfigMap-shaped object (in `default` unless told): the store does not care about kinds, only keys and JSON. */
export function configMap(
  name: string,
  opts: { namespace?: string; labels?: Record<string, string>; data?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: opts.namespace ?? 'default', labels: opts.labels },
    data: opts.data ?? {},
  };
}

export const cm = (name: string, namespace = 'default'): ObjectKey => ({ resource: 'configmaps', namespace, name });

/** A compact, comparable form of an event. */
export const describeEvent = (e: WatchEvent) =>
  `${e.type} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name} @${e.object.metadata.resourceVersion}`;

/** Collects a watch's events up to and including the first one `isLast` accepts. */
export function collectThrough(
  events: Observable<WatchEvent>,
  isLast: (e: WatchEvent) => boolean,
): Promise<WatchEvent[]> {
  return firstValueFrom(
    events.pipe(
      takeWhile((e) => !isLast(e), true),
      toArray(),
    ),
  );
}

/** Collects a watch's events up to and including the one at revision `untilRevision`. */
export function collectUntil(events: Observable<WatchEvent>, untilRevision: string): Promise<WatchEvent[]> {
  const until = Number(untilRevision);
  return collectThrough(events, (e) => Number(e.object.metadata.resourceVersion) >= until);
}

/** Collects a watch's events up to and including the first about the object named `name`. */
export function collectThroughName(events: Observable<WatchEvent>, name: string): Promise<WatchEvent[]> {
  return collectThrough(events, (e) => e.object.metadata.name === name);
}

/** Settles with the error a watch fails with (or fails the test if it emits or completes instead). */
export function watchError(events: Observable<WatchEvent>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    events.subscribe({
      next: (e) => reject(new Error(`expected an error, got event ${describeEvent(e)}`)),
      error: resolve,
      complete: () => reject(new Error('expected an error, the watch completed')),
    });
  });
}

export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, it succeeded');
}
