import { BrokenCircuitError } from 'cockatiel';
import { ClientClosedError, GRPCUnavailableError, type ITxnResponse } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { OutcomeUnknown, type Recognition, writeExactly } from '../../src/store/etcd-exact-write.js';

/** What one attempt of the transaction meets. */
type Attempt = 'applied@7' | 'refused' | 'reply-lost' | 'breaker-open' | 'client-closed';
/** What reading history says about the first change after the precondition. */
type History = 'ours@5' | 'someone-else' | 'compacted';

const response = (succeeded: boolean, revision: string) =>
  ({ succeeded, header: { revision }, responses: [] }) as unknown as ITxnResponse;

function committer(attempts: Attempt[]): () => Promise<ITxnResponse> {
  let i = 0;
  return async () => {
    const attempt = attempts[i++];
    if (attempt === 'applied@7') return response(true, '7');
    if (attempt === 'refused') return response(false, '8');
    if (attempt === 'reply-lost') throw new GRPCUnavailableError('connection lost');
    if (attempt === 'breaker-open') throw new BrokenCircuitError();
    if (attempt === 'client-closed') throw new ClientClosedError('KV');
    throw new Error(`the test script has no attempt ${i}`);
  };
}

function historian(history: History | undefined, reads: { count: number }): () => Promise<Recognition> {
  return async () => {
    reads.count++;
    if (history === 'ours@5') return { applied: true, revision: '5' };
    if (history === 'compacted') throw new OutcomeUnknown('compacted');
    return { applied: false };
  };
}

/** Retries allowed before the window closes; no real waiting. */
const pauses = (allowed: number) => async (attempt: number) => attempt < allowed;

// The cases of an exact write: what each attempt met, what history says,
// and what the caller must be told.
const cases: {
  name: string;
  attempts: Attempt[];
  history?: History;
  retries?: number;
  told: 'applied@7' | 'applied@5' | 'refused' | 'unknown' | 'breaker error' | 'closed error';
  readsHistory: boolean;
}[] = [
  { name: 'applied at once', attempts: ['applied@7'], told: 'applied@7', readsHistory: false },
  { name: 'refused at once: a real conflict', attempts: ['refused'], told: 'refused', readsHistory: false },
  {
    name: 'reply lost, then the re-send applies',
    attempts: ['reply-lost', 'applied@7'],
    told: 'applied@7',
    readsHistory: false,
  },
  {
    name: 'reply lost, re-send refused by our own first copy',
    attempts: ['reply-lost', 'refused'],
    history: 'ours@5',
    told: 'applied@5',
    readsHistory: true,
  },
  {
    name: 'reply lost, re-send refused by someone else',
    attempts: ['reply-lost', 'refused'],
    history: 'someone-else',
    told: 'refused',
    readsHistory: true,
  },
  {
    name: 'reply lost, re-send refused, history compacted',
    attempts: ['reply-lost', 'refused'],
    history: 'compacted',
    told: 'unknown',
    readsHistory: true,
  },
  {
    name: 'replies lost until the window closes',
    attempts: ['reply-lost', 'reply-lost', 'reply-lost'],
    retries: 2,
    told: 'unknown',
    readsHistory: false,
  },
  {
    name: 'never sent (every breaker open) until the window closes',
    attempts: ['breaker-open', 'breaker-open'],
    retries: 1,
    told: 'breaker error',
    readsHistory: false,
  },
  {
    name: 'breaker open, then sent and refused: never ambiguous',
    attempts: ['breaker-open', 'refused'],
    told: 'refused',
    readsHistory: false,
  },
  { name: 'client closed before sending', attempts: ['client-closed'], told: 'closed error', readsHistory: false },
  {
    name: 'reply lost, then the client closed',
    attempts: ['reply-lost', 'client-closed'],
    told: 'unknown',
    readsHistory: false,
  },
];

describe('writeExactly: a guarded etcd write reports exactly what happened', () => {
  it.each(cases)('$name -> $told', async ({ attempts, history, retries = 5, told, readsHistory }) => {
    const reads = { count: 0 };
    const outcome = writeExactly(committer(attempts), historian(history, reads), pauses(retries));
    if (told === 'applied@7' || told === 'applied@5') {
      await expect(outcome).resolves.toMatchObject({ applied: true, revision: told.slice(-1) });
    } else if (told === 'refused') {
      await expect(outcome).resolves.toMatchObject({ applied: false });
    } else if (told === 'unknown') {
      await expect(outcome).rejects.toBeInstanceOf(OutcomeUnknown);
    } else if (told === 'breaker error') {
      await expect(outcome).rejects.toBeInstanceOf(BrokenCircuitError);
    } else {
      await expect(outcome).rejects.toBeInstanceOf(ClientClosedError);
    }
    expect(reads.count > 0).toBe(readsHistory);
  });
});
