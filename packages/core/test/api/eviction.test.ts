import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { InternalError, TooManyRequestsError } from '../../src/errors/api-errors.js';
import type { Pod } from '../../src/model/core-v1.js';
import type { PodDisruptionBudget } from '../../src/model/policy-v1.js';
import { MemoryStore } from '../../src/store/memory-store.js';

type BudgetStatus = NonNullable<PodDisruptionBudget['status']>;
const healthy = (allowed: number): BudgetStatus => ({
  disruptionsAllowed: allowed,
  currentHealthy: 2 + allowed,
  desiredHealthy: 2,
  expectedPods: 2 + allowed,
});

interface Case {
  name: string;
  phase?: 'Running' | 'Pending' | 'Succeeded';
  ready?: boolean;
  budgets: { spec?: Partial<PodDisruptionBudget['spec']>; status?: BudgetStatus; stale?: boolean }[];
  /** The error class the eviction throws, or undefined when the pod goes. */
  refused?: typeof TooManyRequestsError | typeof InternalError;
  /** disruptionsAllowed of the first budget afterwards. */
  allowedAfter?: number;
}

const cases: Case[] = [
  { name: 'a pod no budget covers is deleted', budgets: [] },
  {
    name: 'a budget allowing one disruption lets the pod go and counts it',
    budgets: [{ status: healthy(1) }],
    allowedAfter: 0,
  },
  {
    name: 'a budget allowing none refuses with 429',
    budgets: [{ status: healthy(0) }],
    refused: TooManyRequestsError,
    allowedAfter: 0,
  },
  {
    name: 'a budget without selector covers no pod (policy/v1)',
    budgets: [{ spec: { selector: undefined }, status: healthy(0) }],
    allowedAfter: 0,
  },
  {
    name: 'a budget with an empty selector covers every pod of its namespace',
    budgets: [{ spec: { selector: {} }, status: healthy(0) }],
    refused: TooManyRequestsError,
  },
  {
    name: 'a budget whose status lags its spec refuses',
    budgets: [{ status: healthy(1), stale: true }],
    refused: TooManyRequestsError,
  },
  { name: 'a budget with no status yet refuses', budgets: [{}], refused: TooManyRequestsError },
  {
    name: 'two budgets covering the pod are refused with 500',
    budgets: [{ status: healthy(1) }, { status: healthy(1) }],
    refused: InternalError,
  },
  {
    name: 'a Pending pod goes whatever the budget says',
    phase: 'Pending',
    budgets: [{ status: healthy(0) }],
    allowedAfter: 0,
  },
  {
    name: 'a finished pod goes whatever the budget says',
    phase: 'Succeeded',
    budgets: [{ status: healthy(0) }],
    allowedAfter: 0,
  },
  {
    name: 'an unready pod goes without using the budget while the budget is met (IfHealthyBudget)',
    ready: false,
    budgets: [{ status: healthy(0) }],
    allowedAfter: 0,
  },
  {
    name: 'an unready pod is refused while the budget is not met',
    ready: false,
    budgets: [{ status: { ...healthy(0), currentHealthy: 1 } }],
    refused: TooManyRequestsError,
  },
  {
    name: 'an unready pod always goes with AlwaysAllow',
    ready: false,
    budgets: [{ spec: { unhealthyPodEvictionPolicy: 'AlwaysAllow' }, status: { ...healthy(0), currentHealthy: 0 } }],
    allowedAfter: 0,
  },
];

describe('api.evict (pods/eviction)', () => {
  it.each(cases)('$name', async (c) => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx' }], nodeName: 'n1' },
    };
    await api.resource('Pod').create(pod);
    await api.resource('Pod').patchStatus('default', 'web-0', {
      status: {
        phase: c.phase ?? 'Running',
        conditions: [{ type: 'Ready', status: c.ready === false ? 'False' : 'True' }],
      },
    });
    for (const [i, b] of c.budgets.entries()) {
      const created = await api.resource('PodDisruptionBudget').create({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: `web-${i}`, namespace: 'default' },
        spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } }, ...b.spec },
      });
      if (b.status) {
        const observedGeneration = (created.metadata.generation ?? 1) - (b.stale ? 1 : 0);
        await api
          .resource('PodDisruptionBudget')
          .updateStatus({ ...created, status: { ...b.status, observedGeneration } });
      }
    }

    const outcome = await api.evict('default', 'web-0', { gracePeriodSeconds: 0 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    const remaining = (await api.resource('Pod').list({ namespace: 'default' })).items;
    if (c.refused) {
      expect(outcome).toBeInstanceOf(c.refused);
      expect(remaining.map((p) => p.metadata.name)).toEqual(['web-0']);
    } else {
      expect(outcome).toBeUndefined();
      expect(remaining).toEqual([]);
    }
    if (c.allowedAfter !== undefined) {
      const budget = await api.resource('PodDisruptionBudget').get('default', 'web-0');
      expect(budget.status?.disruptionsAllowed).toBe(c.allowedAfter);
    }
    await api.close();
  });

  it('names the budget and its numbers in the 429, as Kubernetes does, and records the disrupted pod on success', async () => {
    const api = new Api({ store: new MemoryStore(), clock: new FakeClock() });
    const mk = async (name: string) => {
      await api.resource('Pod').create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx' }], nodeName: 'n1' },
      });
      await api.resource('Pod').patchStatus('default', name, {
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    };
    await mk('web-0');
    await mk('web-1');
    const pdb = await api.resource('PodDisruptionBudget').create({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'default' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
    });
    await api.resource('PodDisruptionBudget').updateStatus({
      ...pdb,
      status: { ...healthy(1), desiredHealthy: 1, currentHealthy: 2, observedGeneration: pdb.metadata.generation },
    });
    await api.evict('default', 'web-0');
    const after = await api.resource('PodDisruptionBudget').get('default', 'web');
    expect(after.status).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { 'web-0': '2026-01-01T00:00:00Z' } });
    const refusal = await api.evict('default', 'web-1').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(TooManyRequestsError);
    expect(refusal).toMatchObject({
      code: 429,
      reason: 'TooManyRequests',
      disruptionBudget: 'default/web',
      message:
        "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web needs 1 healthy pods and has 2 currently",
    });
    await api.close();
  });
});
