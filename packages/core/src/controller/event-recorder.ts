import { randomBytes } from 'node:crypto';
import type { ClusterApi } from '../api/cluster-api.js';
import { type Clock, resolveClock, toTimestamp } from '../clock/clock.js';
import { isReason } from '../errors/api-errors.js';
import { flatAscii } from '../json/flat-ascii.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import type { Event } from '../model/core-v1.js';
import type { KubeObject } from '../model/meta.js';

/** Options of an `EventRecorder`. */
export interface EventRecorderOptions {
  /** Who reports: `source.component` / `reportingComponent` (e.g. `replicaset-controller`). */
  component: string;
  /** `source.host` / `reportingInstance`, when the reporter runs on a node. */
  host?: string;
  clock?: Clock;
  logger?: Logger;
}

/** client-go's correlator cache size: repeats older than this many distinct events start a new Event. */
const maxTracked = 4096;

/**
 * What a repeat needs of the Event already written (client-go's `eventLog`):
 * the rest is rebuilt from the repeat itself, which has the same object,
 * type, reason and message. Keeping this rather than the Event holds a few
 * hundred bytes per tracked event instead of a whole object: a node agent
 * tracks three or more for each pod it starts.
 */
interface WrittenEvent {
  name: string;
  namespace: string;
  uid?: string;
  resourceVersion?: string;
  count: number;
  firstTimestamp?: string;
}

/**
 * Writes `Event` objects about other objects (client-go's `EventRecorder`),
 * aggregating repeats: the same (object, type, reason, message) from the
 * same component increments `count` and moves `lastTimestamp` on the Event
 * already written instead of creating another.
 *
 * Guarantees: `event` never throws: recording is best effort, and a failure
 * is logged, not allowed to break the reconcile that reports it.
 *
 * Caveats: aggregation is per recorder instance and in memory; a restarted
 * process starts new Events.
 */
export class EventRecorder {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly written = new Map<string, WrittenEvent>();

  constructor(
    private readonly api: ClusterApi,
    private readonly options: EventRecorderOptions,
  ) {
    this.clock = resolveClock(options.clock, api);
    this.logger = (options.logger ?? silentLogger()).child({ eventRecorder: options.component });
  }

  /** Records that `reason` happened to `obj`; `message` is for humans. */
  async event(obj: Readonly<KubeObject>, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const involved = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
    };
    // The uid alone names the object (the rest of `involved` only when there is none): a tracked key costs its length.
    const key = JSON.stringify([involved.uid ?? involved, type, reason, message]);
    const now = toTimestamp(this.clock.now());
    const events = this.api.resource('Event');
    const body = (metadata: Event['metadata'], count: number, firstTimestamp: string | undefined): Event => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata,
      involvedObject: involved,
      type,
      reason,
      message,
      source: { component: this.options.component, host: this.options.host },
      reportingComponent: this.options.component,
      reportingInstance: this.options.host,
      count,
      firstTimestamp,
      lastTimestamp: now,
    });
    try {
      const previous = this.written.get(key);
      if (previous) {
        try {
          const { name, namespace, uid, resourceVersion } = previous;
          const repeat = body({ name, namespace, uid, resourceVersion }, previous.count + 1, previous.firstTimestamp);
          this.remember(key, await events.update(repeat));
          return;
        } catch (err) {
          if (!isReason(err, 'NotFound') && !isReason(err, 'Conflict')) throw err;
          // The Event was removed or changed elsewhere: start a new one.
        }
      }
      const metadata = {
        // client-go names events `<object>.<hex time>`; random bytes keep two events in one millisecond apart. One
        // flat string, not its four pieces: the store and this recorder keep it for every Event (object names are ASCII).
        name: flatAscii(`${obj.metadata.name}.${this.clock.now().toString(16)}${randomBytes(4).toString('hex')}`),
        namespace: obj.metadata.namespace ?? 'default',
      };
      this.remember(key, await events.create(body(metadata, 1, now)));
    } catch (err) {
      this.logger.warn({ err, reason, object: involved }, 'could not record event');
    }
  }

  private remember(key: string, event: Event): void {
    this.written.delete(key);
    const { name, namespace = 'default', uid, resourceVersion } = event.metadata;
    this.written.set(key, {
      name,
      namespace,
      uid,
      resourceVersion,
      count: event.count ?? 1,
      firstTimestamp: event.firstTimestamp,
    });
    // Maps iterate in insertion order: the first key is the least recently written.
    if (this.written.size > maxTracked) this.written.delete(this.written.keys().next().value as string);
  }
}
