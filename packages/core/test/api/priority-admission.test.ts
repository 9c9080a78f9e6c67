import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidError, NotFoundError } from '../../src/errors/index.js';
import type { PriorityClass } from '../../src/model/index.js';
import { newApi, pod, revision } from './fixtures.js';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name },
  value,
  ...extra,
});

// Kubernetes: plugin/pkg/admission/priority (admission.go) and pkg/apis/scheduling/validation.
describe('Priority admission (Pod create)', () => {
  it.each([
    {
      name: 'a named class sets priority and preemptionPolicy',
      classes: [pc('high', 1000)],
      podClass: 'high',
      want: [1000, 'PreemptLowerPriority', 'high'],
    },
    {
      name: 'a Never class passes its policy on',
      classes: [pc('batch', 500, { preemptionPolicy: 'Never' })],
      podClass: 'batch',
      want: [500, 'Never', 'batch'],
    },
    {
      name: 'no class and no default: priority 0',
      classes: [pc('high', 1000)],
      podClass: undefined,
      want: [0, undefined, undefined],
    },
    {
      name: 'no class: the global default class',
      classes: [pc('high', 1000), pc('normal', 100, { globalDefault: true })],
      podClass: undefined,
      want: [100, 'PreemptLowerPriority', 'normal'],
    },
    {
      name: 'system-cluster-critical is built in',
      classes: [],
      podClass: 'system-cluster-critical',
      want: [2_000_000_000, 'PreemptLowerPriority', 'system-cluster-critical'],
    },
    {
      name: 'system-node-critical is built in',
      classes: [],
      podClass: 'system-node-critical',
      want: [2_000_001_000, 'PreemptLowerPriority', 'system-node-critical'],
    },
  ])('$name', async ({ classes, podClass, want }) => {
    const { api } = newApi();
    for (const c of classes) await api.resource('PriorityClass').create(c);
    const created = await api
      .resource('Pod')
      .create(pod('p', 'default', podClass ? { priorityClassName: podClass } : {}));
    expect([created.spec.priority, created.spec.preemptionPolicy, created.spec.priorityClassName]).toEqual(want);
  });

  it('refuses a pod naming a class that does not exist, and writes nothing', async () => {
    const { api, store } = newApi();
    await api.resource('Namespace').list();
    const before = await revision(store);
    const err = await api
      .resource('Pod')
      .create(pod('p', 'default', { priorityClassName: 'missing' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toMatch(/no PriorityClass with name missing was found/);
    expect(await revision(store)).toBe(before);
    await expect(api.resource('Pod').get('default', 'p')).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    {
      spec: { priorityClassName: 'high', priority: 5 },
      message: /integer value of priority \(5\) must not be provided/,
    },
    {
      spec: { priorityClassName: 'high', preemptionPolicy: 'Never' as const },
      message: /PreemptionPolicy \(Never\) must not be provided/,
    },
  ])('refuses a pod whose own values differ from its class: $message', async ({ spec, message }) => {
    const { api } = newApi();
    await api.resource('PriorityClass').create(pc('high', 1000));
    await expect(api.resource('Pod').create(pod('p', 'default', spec))).rejects.toThrow(message);
  });

  it('keeps the admitted priority when the pod is replaced from its manifest', async () => {
    const { api } = newApi();
    await api.resource('PriorityClass').create(pc('high', 1000));
    await api.resource('Pod').create(pod('p', 'default', { priorityClassName: 'high' }));
    const applied = await api.apply(pod('p', 'default', { priorityClassName: 'high' }));
    expect(applied.spec.priority).toBe(1000);
  });
});

describe('PriorityClass validation and admission', () => {
  it('defaults preemptionPolicy to PreemptLowerPriority', async () => {
    const { api } = newApi();
    expect((await api.resource('PriorityClass').create(pc('a', 1))).preemptionPolicy).toBe('PreemptLowerPriority');
  });

  it.each([
    { c: pc('huge', 1_000_000_001), field: 'value' },
    { c: pc('system-mine', 10), field: 'metadata.name' },
    { c: pc('system-node-critical', 10), field: 'value' },
    { c: pc('odd', 1, { preemptionPolicy: 'Sometimes' as 'Never' }), field: 'preemptionPolicy' },
  ])('refuses $c.metadata.name naming $field', async ({ c, field }) => {
    const { api } = newApi();
    const err = await api
      .resource('PriorityClass')
      .create(c)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).fields.map((f) => f.field)).toContain(field);
  });

  it('accepts the system classes with their own values', async () => {
    const { api } = newApi();
    await expect(
      api.resource('PriorityClass').create(pc('system-cluster-critical', 2_000_000_000)),
    ).resolves.toBeDefined();
  });

  it('value is immutable', async () => {
    const { api } = newApi();
    const created = await api.resource('PriorityClass').create(pc('a', 1));
    await expect(api.resource('PriorityClass').update({ ...created, value: 2 })).rejects.toThrow(
      /value: Invalid value: 2: field is immutable/,
    );
  });

  it('refuses a second global default', async () => {
    const { api } = newApi();
    await api.resource('PriorityClass').create(pc('one', 1, { globalDefault: true }));
    await expect(api.resource('PriorityClass').create(pc('two', 2, { globalDefault: true }))).rejects.toThrow(
      /PriorityClass one is already marked as default. Only one default can exist/,
    );
  });
});
