import { type ClusterApi, isReason, type KubeObject, NotFoundError } from '@flotilla/core';
import {
  concat,
  defer,
  distinctUntilChanged,
  filter,
  map,
  type Observable,
  of,
  retry,
  switchMap,
  takeWhile,
  throwError,
} from 'rxjs';
import { type ProgressKind, type WorkloadProgress, workloadProgress } from './workload-progress.js';

type ProgressObject = Parameters<typeof workloadProgress>[0];

/**
 * Follows one workload until its work is done: a Deployment's,
 * DaemonSet's or StatefulSet's rollout (a StatefulSet's pods coming up
 * ordinal by ordinal), a ReplicaSet's replicas, a Job's completion, a Pod
 * becoming ready (see `workloadProgress` for each kind's rules).
 *
 * Guarantees: the first value is the state now; after that a value comes
 * each time the reading (state or message) changes; the last value has
 * state `complete` or `failed`, then the stream completes. A watch that
 * expires (its revision compacted) is resumed from a fresh read.
 *
 * Caveats: the stream errors with `NotFoundError` when the object does not
 * exist or is deleted while followed; it never times out by itself (pipe it
 * through rxjs `timeout`, or unsubscribe). `lastValueFrom(...)` gives the
 * final reading.
 */
export function rolloutProgress(
  api: ClusterApi,
  kind: ProgressKind,
  namespace: string,
  name: string,
): Observable<WorkloadProgress> {
  const client = api.resource<ProgressObject>(kind);
  const follow = defer(() => client.get(namespace, name)).pipe(
    switchMap((now) =>
      concat(
        of(now),
        client
          .watch({ namespace, resourceVersion: now.metadata.resourceVersion, fieldSelector: `metadata.name=${name}` })
          .pipe(
            // A selective watch may also report other objects leaving (never entering) the selection while it
            // replays history, so every event is checked against the name.
            filter((event) => event.object.metadata.name === name),
            map((event) => {
              if (event.type === 'DELETED') throw new NotFoundError({ resource: kind.toLowerCase(), namespace, name });
              return event.object;
            }),
          ),
      ),
    ),
    retry({ delay: (err: unknown) => (isReason(err, 'Expired') ? of(0) : throwError(() => err)) }),
  );
  return follow.pipe(
    map((obj: KubeObject) => workloadProgress(obj as ProgressObject)),
    distinctUntilChanged((a, b) => a.state === b.state && a.message === b.message),
    takeWhile((p) => p.state === 'progressing', true),
  );
}
