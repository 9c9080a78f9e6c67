import type { KubeObject, TimerHandle, WatchEvent } from '@flotilla/core';
import type { Subscription } from 'rxjs';
import { statusFromError } from '../errors/status.js';
import { listQueryOf } from '../rest/query.js';
import type { RestRequest, RestServices } from '../rest/rest-request.js';
import { EncodedLines, type EventType, eventLine } from './encoded-lines.js';
import { sharedWatch } from './shared-watch.js';

/** The annotation on the BOOKMARK that ends a watch's initial events (`sendInitialEvents=true`). */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** Lines kept per server: a second of changes at a few thousand per second. */
const ENCODED_LINES_KEPT = 4096;
const encodedLines = new WeakMap<RestServices, EncodedLines>();

function plainEventLine(s: RestServices, event: WatchEvent): Buffer {
  let lines = encodedLines.get(s);
  if (!lines) {
    lines = new EncodedLines(ENCODED_LINES_KEPT);
    encodedLines.set(s, lines);
  }
  return lines.lineFor(event);
}

/**
 * Serves `?watch=true`: a chunked response with one JSON event per line
 * (`{"type":"ADDED","object":{...}}`), as Kubernetes' watch.
 *
 * - No `resourceVersion` (or `0`), or `sendInitialEvents=true`: every
 *   object that matches first arrives as ADDED, then changes follow;
 *   with `sendInitialEvents` a BOOKMARK annotated
 *   `k8s.io/initial-events-end` marks the end of that state.
 * - With a `resourceVersion`: the changes after it. One older than the
 *   store's history ends the watch with an ERROR event carrying a 410
 *   Expired Status (what kube-apiserver's watch cache does), so clients relist.
 * - `allowWatchBookmarks=true`: a BOOKMARK with the last revision sent, every
 *   `bookmarkIntervalMs`.
 * - Timers run on the server's Clock (a FakeClock in tests).
 * - Ends cleanly after `timeoutSeconds` (default: a random time between the
 *   minimum request timeout and twice it), when the client goes away, when
 *   the server stops, and when the client reads too slowly.
 * - Each event's object follows the request's view: a one-row Table for
 *   `kubectl get -w`.
 */
export async function serveWatch(r: RestRequest, s: RestServices): Promise<void> {
  const q = listQueryOf(r.query);
  const opts = s.watch;
  const namespace = r.info.namespace || undefined;
  const initial = q.sendInitialEvents === true || q.resourceVersion === undefined || q.resourceVersion === '0';
  // A plain JSON watcher only serializes what it gets: it reads the store's own objects, whose JSON is cached.
  const plain = !r.view.table && !r.conversion;
  let items: readonly KubeObject[] = [];
  let from = q.resourceVersion;
  if (initial) {
    const { labelSelector, fieldSelector } = q;
    const list = await r.client.list({ namespace, labelSelector, fieldSelector, shared: plain });
    items = list.items;
    from = list.resourceVersion;
  }
  const apiVersion = r.type.group ? `${r.type.group}/${r.type.version}` : r.type.version;
  let lastRevision = from ?? '0';
  const res = r.res;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  return new Promise<void>((resolve) => {
    let subscription: Subscription | undefined;
    let ended = false;
    let timeout: TimerHandle | undefined;
    let nextBookmark: TimerHandle | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      subscription?.unsubscribe();
      timeout?.cancel();
      nextBookmark?.cancel();
      r.signal.removeEventListener('abort', end);
      if (!res.destroyed) {
        res.end(pending.length > 0 ? Buffer.concat(pending) : undefined);
      }
      pending = [];
      resolve();
    };
    // Lines written in one event-loop turn go out in one chunk: when the server falls behind, batches grow
    // and the cost per event falls. The lines are buffers shared by every watcher of the change: a copy of
    // bytes per watcher, never an encoding.
    let pending: Buffer[] = [];
    let flushing = false;
    const flush = () => {
      flushing = false;
      if (ended || pending.length === 0) return;
      res.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
      pending = [];
      if (res.writableLength > opts.maxBufferedBytes) end();
    };
    const write = (line: Buffer) => {
      if (ended) return;
      pending.push(line);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    };
    const send = (type: EventType, object: object) => write(eventLine(type, object));
    const bookmark = (annotations?: Record<string, string>) =>
      send('BOOKMARK', {
        kind: r.type.kind,
        apiVersion,
        metadata: annotations ? { resourceVersion: lastRevision, annotations } : { resourceVersion: lastRevision },
      });
    r.signal.addEventListener('abort', end, { once: true });
    res.once('close', end);
    if (r.signal.aborted) return end();

    for (const obj of items) send('ADDED', r.view.object(obj));
    if (q.sendInitialEvents === true && q.allowWatchBookmarks) bookmark({ [INITIAL_EVENTS_END_ANNOTATION]: 'true' });

    const timeoutSeconds = q.timeoutSeconds ?? opts.minRequestTimeoutSeconds * (1 + Math.random());
    timeout = s.clock.setTimeout(end, timeoutSeconds * 1000);
    if (q.allowWatchBookmarks) {
      const every = () => {
        bookmark();
        nextBookmark = s.clock.setTimeout(every, opts.bookmarkIntervalMs);
      };
      nextBookmark = s.clock.setTimeout(every, opts.bookmarkIntervalMs);
    }
    const scope = { namespace, resourceVersion: from, labelSelector: q.labelSelector, fieldSelector: q.fieldSelector };
    // Plain JSON watchers of one scope share one store watch; a Table or converted view is made per watcher.
    const events = plain ? sharedWatch(r.client, { ...scope, shared: true }) : r.client.watch(scope);
    subscription = events.subscribe({
      next: (event) => {
        lastRevision = event.object.metadata.resourceVersion ?? lastRevision;
        if (!plain) send(event.type, r.view.object(event.object));
        else write(plainEventLine(s, event as WatchEvent));
      },
      error: (err: unknown) => {
        send('ERROR', statusFromError(err));
        end();
      },
      complete: end,
    });
  });
}
