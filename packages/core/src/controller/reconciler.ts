import { brandError, recogniseByBrand } from '../errors/brand.js';
import type { Logger } from '../logging/logger.js';
import type { ObjectRef } from '../model/meta.js';

/** Which object to reconcile: namespace (absent for cluster-scoped kinds) and name. */
export type ReconcileRequest = ObjectRef;

/** What a reconcile gets besides the key. */
export interface ReconcileContext {
  /** Aborted when the manager stops or the reconcile times out. */
  signal: AbortSignal;
  /** A child logger carrying the controller name and the key. */
  logger: Logger;
}

/** Asks for the key to be looked at again after a delay even if nothing changes. */
export interface ReconcileResult {
  /** Look at the key again after this long even if nothing changes (deadlines, external state that sends no events). */
  requeueAfterMs?: number;
}

/**
 * Makes the world match one object's desired state.
 *
 * Contract: level-triggered and idempotent. Read the current state (from the
 * informer caches), compare with the desired state, act, and return. Never
 * trust the event that caused the call; the same key may be reconciled again
 * at any time. A thrown error requeues the key with rate-limited backoff; a
 * `TerminalError` is logged and not retried until the object changes.
 */
export interface Reconciler {
  /** Brings the object named by `req` to its desired state; see the interface's contract. */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a reconciler be a plain async method that returns nothing.
  reconcile(req: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | undefined | void>;
}

/**
 * An error retrying cannot fix (bad spec): logged, not requeued until the
 * object changes. Recognised by brand, so a reconciler built against another
 * copy of this package (ESM or CommonJS) can throw it too.
 */
export class TerminalError extends Error {
  /** The name instances are recognised by in every copy of the package. */
  static readonly brand: string = 'flotilla.TerminalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    brandError(this, new.target);
    this.name = 'TerminalError';
  }
}
recogniseByBrand(TerminalError);
