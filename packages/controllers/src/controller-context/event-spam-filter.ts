import type { Clock, KubeObject } from '@flotilla/core';

/** Where controllers send Events: core's `EventRecorder`, or a filter in front of it. */
export interface EventSink {
  /** Records that `reason` happened to `obj`; best effort, never throws. */
  event(obj: Readonly<KubeObject>, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

/** client-go's spam filter: a burst of 25 Events per object, then one per 5 minutes. */
const burst = 25;
const refillMs = 5 * 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Drops Events about an object once it has had a burst of them, as
 * client-go's `EventSourceObjectSpamFilter` does: a token bucket per
 * involved object (25 tokens, one more every 5 minutes on the Clock). A
 * ReplicaSet creating 10,000 pods thus writes 25 `SuccessfulCreate` Events,
 * not 10,000, and the Api is not flooded by its own bookkeeping.
 *
 * Caveats: buckets live in memory for the life of the filter, one per
 * object that ever had an Event.
 */
export class EventSpamFilter implements EventSink {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly sink: EventSink,
    private readonly clock: Clock,
  ) {}

  /** Passes the Event on unless `obj` has used up its token bucket (client-go's spam filter). */
  async event(obj: Readonly<KubeObject>, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const key = `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}/${obj.metadata.uid ?? ''}`;
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    const refilled = Math.min(burst, bucket.tokens + Math.floor((now - bucket.at) / refillMs));
    const at = refilled > bucket.tokens ? now : bucket.at;
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, at });
      return;
    }
    this.buckets.set(key, { tokens: refilled - 1, at });
    await this.sink.event(obj, type, reason, message);
  }
}
