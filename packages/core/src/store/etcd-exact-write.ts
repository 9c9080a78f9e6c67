import { isBrokenCircuitError } from 'cockatiel';
import { ClientClosedError, type Etcd3, type IEvent, type ITxnResponse, isRecoverableError } from 'etcd3';
import { EtcdWatchStream } from './etcd-watch-stream.js';

/**
 * How a guarded etcd write (a transaction whose compare makes it apply at
 * most once) ended. `applied` carries the write's revision and, for a
 * delete, the value it removed.
 */
export type WriteOutcome =
  | { applied: true; revision: string; removed?: Uint8Array }
  | { applied: false; refusal: ITxnResponse };

/** What a recogniser learnt from history: whether the first change after the write's precondition is the write itself. */
export type Recognition = { applied: true; revision: string; removed?: Uint8Array } | { applied: false };

/** Why a write's outcome could not be learnt, for the caller to wrap in its typed error. */
export class OutcomeUnknown extends Error {}

/**
 * True for failures worth retrying: those after which a call may or may not
 * have reached etcd (a dropped connection, a dead member, a lost leader, a
 * deadline: etcd3 marks exactly those as recoverable), and a call refused
 * before it was sent because every member's circuit breaker is open.
 */
export function isTransient(err: unknown): boolean {
  return isBrokenCircuitError(err) || (err instanceof Error && isRecoverableError(err));
}

/** Waits `ms` unless the deadline comes first; false once the deadline has passed. */
export async function pauseBefore(deadline: number, attempt: number): Promise<boolean> {
  const ms = Math.min(50 * 2 ** attempt, 1_000);
  if (Date.now() + ms > deadline) return false;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return true;
}

/**
 * Runs a guarded transaction exactly: etcd3's own retry is off (it re-sends a
 * transaction whose reply was lost, and the copy then fails its own
 * compare), so this retries it instead and keeps track of ambiguity.
 *
 * - A failure that may have reached etcd makes the write ambiguous; it is
 *   re-sent, which is safe because the compare lets at most one copy apply.
 * - A refusal after an ambiguous attempt may be caused by the write's own
 *   first copy: `recognise` reads history to tell, and the write is then
 *   reported applied at the revision it got.
 * - When the retry window closes while the outcome is still open, or history
 *   needed to tell was compacted, `OutcomeUnknown` is thrown; a failure that
 *   cannot have reached etcd (a closed client) is thrown as it is.
 *
 * `pause` waits before retry `attempt` and says false once the retry window
 * has closed (see `pauseBefore`).
 */
export async function writeExactly(
  commit: () => Promise<ITxnResponse>,
  recognise: () => Promise<Recognition>,
  pause: (attempt: number) => Promise<boolean>,
): Promise<WriteOutcome> {
  let ambiguity: unknown;
  for (let attempt = 0; ; attempt++) {
    let res: ITxnResponse;
    try {
      res = await commit();
    } catch (err) {
      if (!isTransient(err)) {
        if (ambiguity === undefined) throw err;
        throw new OutcomeUnknown(`the write may have been applied: ${describe(ambiguity)}; then: ${describe(err)}`);
      }
      // A call no member's breaker let through was never sent.
      if (!isBrokenCircuitError(err)) ambiguity = err;
      if (await pause(attempt)) continue;
      if (ambiguity === undefined) throw err;
      throw new OutcomeUnknown(`the write may have been applied: ${describe(ambiguity)}`);
    }
    if (res.succeeded) {
      return {
        applied: true,
        revision: res.header.revision,
        removed: res.responses[0]?.response_delete_range?.prev_kvs?.[0]?.value,
      };
    }
    if (ambiguity === undefined) return { applied: false, refusal: res };
    const seen = await recogniseUntil(recognise, pause);
    return seen.applied ? seen : { applied: false, refusal: res };
  }
}

async function recogniseUntil(
  recognise: () => Promise<Recognition>,
  pause: (attempt: number) => Promise<boolean>,
): Promise<Recognition> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await recognise();
    } catch (err) {
      if (err instanceof OutcomeUnknown) throw err;
      if (err instanceof ClientClosedError)
        throw new OutcomeUnknown('the store was closed before the outcome was known');
      if (!(await pause(attempt))) {
        throw new OutcomeUnknown(
          `could not read the key's history to learn whether the write applied: ${describe(err)}`,
        );
      }
    }
  }
}

/**
 * The first change to `key` after `revision`, read from etcd's history with
 * a one-key watch. `OutcomeUnknown` when that history has been compacted;
 * a broken stream or the deadline rejects with a retryable error.
 */
export function firstChangeAfter(client: Etcd3, key: string, revision: number, deadline: number): Promise<IEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        stream.close();
        reject(new Error(`no change of ${key} after revision ${revision} arrived in time`));
      },
      Math.max(0, deadline - Date.now()),
    );
    const stream = new EtcdWatchStream(
      client,
      { key: Buffer.from(key), start_revision: String(revision + 1), prev_kv: true },
      {
        events(events) {
          clearTimeout(timer);
          stream.close();
          resolve(events[0]);
        },
        progress: () => undefined,
        cancelled(reason, compactRevision) {
          clearTimeout(timer);
          reject(
            compactRevision === undefined
              ? new Error(`etcd cancelled the history read of ${key}: ${reason}`)
              : new OutcomeUnknown(`the history of ${key} after revision ${revision} was compacted`),
          );
        },
        broken(err) {
          clearTimeout(timer);
          reject(err);
        },
      },
    );
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
