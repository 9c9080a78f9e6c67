import { HttpStatusError } from '../errors/http-status-error.js';
import type { ServerLimits } from './server-limits.js';

/** Which budget a request draws on: watches are long-running and counted apart. */
export type RequestClass = 'mutating' | 'readOnly' | 'watch';

const MUTATING_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', 'post', 'put']);

/** The budget a verb draws on. */
export function requestClassOf(verb: string): RequestClass {
  if (verb === 'watch') return 'watch';
  return MUTATING_VERBS.has(verb) ? 'mutating' : 'readOnly';
}

/**
 * Kube-apiserver's max-in-flight filter: at most so many mutating and so
 * many read-only requests at once, and so many open watches; a request over
 * its budget is shed at once with 429 and `Retry-After`, never queued, so an
 * overloaded server stays responsive.
 */
export class InFlightGate {
  private readonly counts: Record<RequestClass, number> = { mutating: 0, readOnly: 0, watch: 0 };

  constructor(private readonly limits: ServerLimits) {}

  /** Takes a slot of `cls`; returns the function that gives it back. Throws a 429 Status error when full. */
  acquire(cls: RequestClass): () => void {
    const limit =
      cls === 'mutating'
        ? this.limits.maxMutatingInFlight
        : cls === 'readOnly'
          ? this.limits.maxReadOnlyInFlight
          : this.limits.maxWatches;
    if (this.counts[cls] >= limit) {
      throw new HttpStatusError(
        429,
        'TooManyRequests',
        'Too many requests, please try again later.',
        this.limits.retryAfterSeconds,
      );
    }
    this.counts[cls] += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.counts[cls] -= 1;
    };
  }
}
