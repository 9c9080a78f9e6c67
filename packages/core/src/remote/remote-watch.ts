import type { IncomingMessage } from 'node:http';
import { Observable, type Subscriber } from 'rxjs';
import type { ClientWatchOptions } from '../api/types.js';
import type { Clock } from '../clock/clock.js';
import { BadRequestError, type ErrorTarget, TimeoutError } from '../errors/api-errors.js';
import type { Backoff } from '../informer/backoff.js';
import { isJsonObject } from '../json/json-object.js';
import type { KubeObject } from '../model/meta.js';
import type { WatchEvent } from '../store/store.js';
import type { HttpTransport } from './http-transport.js';
import { collectionPath, type RestMapping } from './rest-mapper.js';
import { errorFromStatus } from './status-error.js';

/** What a remote watch needs from its Api. */
export interface WatchDeps {
  transport: HttpTransport;
  clock: Clock;
  backoff: () => Backoff;
  /** The `timeoutSeconds` of each watch request; client-go's reflector picks 5 to 10 minutes at random. */
  timeoutSeconds: () => number;
  /** How long past `timeoutSeconds` a silent stream is taken as stalled and reopened. */
  stallGraceMs: number;
}

/** How one watch request ended. */
type StreamEnd = 'ended' | 'cut';

/** `labelSelector` in the URL form, whichever form the caller gave. */
export function selectorText(selector: ClientWatchOptions['labelSelector']): string | undefined {
  if (selector === undefined || typeof selector === 'string') return selector || undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',') || undefined;
}

/** List items and watch objects may come without `apiVersion`/`kind` (Kubernetes leaves them out of list items). */
export function withTypeMeta<T extends KubeObject>(obj: T, m: RestMapping): T {
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, apiVersion: m.group ? `${m.group}/${m.version}` : m.version, kind: m.kind };
}

/**
 * A watch over chunked HTTP (one JSON event per line), kept open the way
 * client-go's reflector keeps it:
 * - each request asks for bookmarks and ends after `timeoutSeconds`; the
 *   next starts from the last revision seen (event or bookmark), so the
 *   caller sees one unbroken stream;
 * - a stream cut or stalled (silent `stallGraceMs` past its timeout) is
 *   reopened from that revision after a jittered backoff on the clock;
 * - an ERROR event ends the stream with core's typed error: 410 is
 *   `ExpiredError`, on which informers relist.
 * Bookmarks are not passed on (core's WatchEvent has no such type).
 */
export function remoteWatch<T extends KubeObject>(
  deps: WatchDeps,
  resolve: () => Promise<RestMapping>,
  target: ErrorTarget,
  opts: ClientWatchOptions,
): Observable<WatchEvent<T>> {
  return new Observable<WatchEvent<T>>((subscriber) => {
    const abort = new AbortController();
    const state = { revision: opts.resourceVersion };
    const backoff = deps.backoff();
    const loop = async () => {
      const mapping = await resolve();
      const path = collectionPath(mapping, mapping.namespaced ? opts.namespace : undefined);
      while (!abort.signal.aborted) {
        const timeoutSeconds = deps.timeoutSeconds();
        const res = await deps.transport.stream({
          method: 'GET',
          path,
          query: {
            watch: true,
            allowWatchBookmarks: true,
            resourceVersion: state.revision,
            timeoutSeconds,
            labelSelector: selectorText(opts.labelSelector),
            fieldSelector: opts.fieldSelector || undefined,
          },
          target,
          resourceVersion: state.revision,
          signal: abort.signal,
        });
        const end = await consume(res, deps, timeoutSeconds, (line) => {
          if (onLine(line, mapping, state, target, subscriber)) backoff.reset();
        });
        if (abort.signal.aborted || subscriber.closed) return;
        if (state.revision === undefined) {
          throw new TimeoutError('the watch ended before any revision was seen: nothing to resume from; list again');
        }
        if (end === 'cut') await deps.clock.sleep(backoff.next(), abort.signal);
      }
    };
    loop().catch((err) => {
      if (!abort.signal.aborted) subscriber.error(err);
    });
    return () => abort.abort();
  });
}

/** Handles one line; true when it carried an event (the stream is healthy). */
function onLine<T extends KubeObject>(
  line: string,
  mapping: RestMapping,
  state: { revision?: string },
  target: ErrorTarget,
  subscriber: Subscriber<WatchEvent<T>>,
): boolean {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    throw new BadRequestError(`the watch stream sent a line that is not JSON: ${line.slice(0, 80)}`);
  }
  if (!isJsonObject(event) || !isJsonObject(event.object)) return false;
  const object = event.object as unknown as T;
  switch (event.type) {
    case 'ERROR':
      throw errorFromStatus(Number(event.object.code) || 500, event.object, target, {
        resourceVersion: state.revision,
      });
    case 'BOOKMARK':
      state.revision = object.metadata?.resourceVersion ?? state.revision;
      return true;
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      state.revision = object.metadata?.resourceVersion ?? state.revision;
      subscriber.next({ type: event.type, object: withTypeMeta(object, mapping) });
      return true;
    default:
      return false;
  }
}

/** Reads the newline-delimited events of one response until it ends, is cut, or stalls. */
function consume(
  res: IncomingMessage,
  deps: WatchDeps,
  timeoutSeconds: number,
  onLineFn: (line: string) => void,
): Promise<StreamEnd> {
  return new Promise((resolve, reject) => {
    let partial = '';
    let done = false;
    const finish = (end: StreamEnd | Error) => {
      if (done) return;
      done = true;
      stall.cancel();
      if (end instanceof Error) {
        res.destroy();
        reject(end);
      } else {
        resolve(end);
      }
    };
    const stall = deps.clock.setTimeout(
      () => {
        finish('cut');
        res.destroy();
      },
      timeoutSeconds * 1000 + deps.stallGraceMs,
    );
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      partial += chunk;
      // Lines are cut out by index and the remainder kept once per chunk: many events in one chunk stay linear.
      let from = 0;
      let newline = partial.indexOf('\n');
      while (newline >= 0 && !done) {
        const line = partial.slice(from, newline).trim();
        from = newline + 1;
        if (line !== '') {
          try {
            onLineFn(line);
          } catch (err) {
            finish(err as Error);
            return;
          }
        }
        newline = partial.indexOf('\n', from);
      }
      partial = partial.slice(from);
    });
    res.on('end', () => finish('ended'));
    res.on('aborted', () => finish('cut'));
    res.on('error', () => finish('cut'));
    res.on('close', () => finish(res.complete ? 'ended' : 'cut'));
  });
}
