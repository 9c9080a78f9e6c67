import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { LeaderElector } from '../../src/controller/leader-election.js';
import { Manager } from '../../src/controller/manager.js';
import { InvalidError } from '../../src/errors/api-errors.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { cluster, until } from './fixtures.js';

/** A leadership term as seen by the leader work itself. */
interface Term {
  who: string;
  from: number;
  to?: number;
}

/**
 * Two managers ("a" and "b", separate Apis on one store, one FakeClock),
 * each running leader work that records its terms. `a`'s lease writes can be
 * made to fail, as if it were cut off from the store.
 */
function twoReplicas() {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const terms: Term[] = [];
  let aCutOff = false;
  const replica = (who: string) => {
    const { api } = cluster(store, clock);
    if (who === 'a')
      api.addAdmissionHook({
        name: 'cut-off',
        kinds: ['Lease'],
        admit() {
          if (aCutOff) throw new Error('network partition');
        },
      });
    const manager = new Manager({
      api,
      clock,
      leaderElection: { name: 'controller-manager', namespace: 'kube-system', identity: who },
    });
    manager.add({
      start(signal) {
        const term: Term = { who, from: clock.now() };
        terms.push(term);
        signal.addEventListener('abort', () => {
          term.to = clock.now();
        });
      },
    });
    return { manager, ac: new AbortController() };
  };
  return {
    store,
    clock,
    terms,
    a: replica('a'),
    b: replica('b'),
    cutOffA: () => {
      aCutOff = true;
    },
  };
}

/** True if no two terms overlap in time. */
function disjoint(terms: Term[]): boolean {
  const sorted = [...terms].sort((x, y) => x.from - y.from);
  return sorted.every((t, i) => i === 0 || (sorted[i - 1].to !== undefined && sorted[i - 1].to! <= t.from));
}

describe('leader election', () => {
  it('only the leader runs leader work; a standby waits while the leader renews', async () => {
    const { clock, terms, a, b } = twoReplicas();
    await a.manager.start(a.ac.signal);
    await until(clock, () => a.manager.isLeader(), 'a to lead');
    await b.manager.start(b.ac.signal);
    await clock.step(60_000);
    expect(a.manager.isLeader()).toBe(true);
    expect(b.manager.isLeader()).toBe(false);
    expect(terms).toEqual([{ who: 'a', from: expect.any(Number) }]);
    a.ac.abort();
    b.ac.abort();
    await Promise.all([a.manager.stopped, b.manager.stopped]);
  });

  it('a leader that cannot renew steps down within renewDeadline; the standby takes over only after leaseDuration, with no overlap', async () => {
    const { clock, terms, a, b, store, cutOffA } = twoReplicas();
    await a.manager.start(a.ac.signal);
    await until(clock, () => a.manager.isLeader(), 'a to lead');
    await b.manager.start(b.ac.signal);
    await clock.step(10_000);
    const leases = cluster(store, clock).api.resource('Lease');
    const lastRenew = Date.parse((await leases.get('kube-system', 'controller-manager')).spec.renewTime!);
    cutOffA();
    await clock.step(10_000);
    const aTerm = terms.find((t) => t.who === 'a')!;
    expect(aTerm.to).toBeDefined();
    expect(aTerm.to! - lastRenew).toBeLessThanOrEqual(10_000);
    expect(b.manager.isLeader()).toBe(false);
    await clock.step(10_000);
    expect(b.manager.isLeader()).toBe(true);
    const bTerm = terms.find((t) => t.who === 'b')!;
    expect(bTerm.from - lastRenew).toBeGreaterThanOrEqual(15_000);
    expect(disjoint(terms)).toBe(true);
    const lease = await leases.get('kube-system', 'controller-manager');
    expect(lease.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, leaseDurationSeconds: 15 });
    a.ac.abort();
    b.ac.abort();
    await Promise.all([a.manager.stopped, b.manager.stopped]);
  });

  it('a leader shutting down releases the lease, so the standby takes over within a retry period', async () => {
    const { clock, terms, a, b } = twoReplicas();
    await a.manager.start(a.ac.signal);
    await until(clock, () => a.manager.isLeader(), 'a to lead');
    await b.manager.start(b.ac.signal);
    await clock.step(5000);
    a.ac.abort();
    await a.manager.stopped;
    const released = clock.now();
    await clock.step(2400);
    expect(b.manager.isLeader()).toBe(true);
    expect(terms.find((t) => t.who === 'b')!.from - released).toBeLessThanOrEqual(2400);
    expect(disjoint(terms)).toBe(true);
    b.ac.abort();
    await b.manager.stopped;
  });

  it('rejects timings that cannot keep the guarantee, naming the fields', () => {
    const { api } = cluster();
    const leases = api.resource('Lease');
    expect(
      () => new LeaderElector(leases, { name: 'x', namespace: 'y', leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }),
    ).toThrow(InvalidError);
    const fieldsOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as InvalidError).fields.map((f) => f.field);
      }
      return [];
    };
    expect(
      fieldsOf(
        () => new LeaderElector(leases, { name: '', namespace: 'y', renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }),
      ),
    ).toEqual(['leaderElection.name', 'leaderElection.renewDeadlineMs']);
  });
});
