import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { EventRecorder } from '../../src/controller/event-recorder.js';
import { Expectations } from '../../src/controller/expectations.js';
import { ensureFinalizer, removeFinalizer } from '../../src/controller/finalizers.js';
import { getControllerOf, isOwnedBy, setControllerReference } from '../../src/controller/owner-references.js';
import type { ConfigMap } from '../../src/model/core-v1.js';
import { cluster, widget } from './fixtures.js';

const configMap = (name: string, namespace = 'default'): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
});

describe('owner references', () => {
  it('sets one controller reference, idempotently, and finds it', async () => {
    const { widgets } = cluster();
    const owner = await widgets.create(widget('owner'));
    const cm = setControllerReference(owner, setControllerReference(owner, configMap('c')));
    expect(cm.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        name: 'owner',
        uid: owner.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(getControllerOf(cm)?.name).toBe('owner');
    expect(isOwnedBy(cm, owner)).toBe(true);
    expect(isOwnedBy(configMap('d'), owner)).toBe(false);
  });

  it.each([
    { name: 'owner without uid', owner: widget('o'), obj: configMap('c'), error: /create it before/ },
    {
      name: 'cross-namespace owner',
      owner: { ...widget('o', {}, 'a'), metadata: { name: 'o', namespace: 'a', uid: 'u1' } },
      obj: configMap('c', 'b'),
      error: /same namespace/,
    },
    {
      name: 'second controller',
      owner: { ...widget('o'), metadata: { name: 'o', namespace: 'default', uid: 'u1' } },
      obj: {
        ...configMap('c'),
        metadata: {
          name: 'c',
          namespace: 'default',
          ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u0', controller: true }],
        },
      },
      error: /already controlled by X "x"/,
    },
  ])('refuses a $name', ({ owner, obj, error }) => {
    expect(() => setControllerReference(owner, obj)).toThrow(error);
  });
});

describe('finalizers', () => {
  it('adds a finalizer once, even from a stale copy, and removing it lets deletion finish', async () => {
    const { widgets } = cluster();
    const stale = await widgets.create(widget('w'));
    await widgets.update({ ...stale, spec: { size: 2 } });
    const withFinalizer = await ensureFinalizer(widgets, stale, 'example.com/cleanup');
    expect(withFinalizer.metadata.finalizers).toEqual(['example.com/cleanup']);
    expect(withFinalizer.spec.size).toBe(2);
    const again = await ensureFinalizer(widgets, withFinalizer, 'example.com/cleanup');
    expect(again.metadata.resourceVersion).toBe(withFinalizer.metadata.resourceVersion);
    const deleting = await widgets.delete('default', 'w');
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect((await ensureFinalizer(widgets, deleting, 'other')).metadata.finalizers).toEqual(['example.com/cleanup']);
    expect((await removeFinalizer(widgets, deleting, 'example.com/cleanup'))?.metadata.name).toBe('w');
    await expect(widgets.get('default', 'w')).rejects.toThrow(/not found/);
    expect(await removeFinalizer(widgets, deleting, 'example.com/cleanup')).toBeUndefined();
  });
});

describe('EventRecorder', () => {
  it('writes Events and aggregates repeats into count and lastTimestamp', async () => {
    const clock = new FakeClock();
    const { api, widgets } = cluster(undefined, clock);
    const w = await widgets.create(widget('w'));
    const recorder = new EventRecorder(api, { component: 'widget-controller', clock });
    await recorder.event(w, 'Normal', 'Created', 'created config map');
    await clock.step(5000);
    await recorder.event(w, 'Normal', 'Created', 'created config map');
    await recorder.event(w, 'Warning', 'Failed', 'quota exceeded');
    const events = (await api.resource('Event').list({ namespace: 'default' })).items;
    expect(events).toHaveLength(2);
    const created = events.find((e) => e.reason === 'Created')!;
    expect(created).toMatchObject({
      involvedObject: { kind: 'Widget', name: 'w', namespace: 'default', uid: w.metadata.uid },
      type: 'Normal',
      count: 2,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:05Z',
      source: { component: 'widget-controller' },
    });
    expect(events.find((e) => e.reason === 'Failed')?.count).toBe(1);

    // A third repeat updates the same Event again (from the revision the second one left), keeping its identity.
    await clock.step(5000);
    await recorder.event(w, 'Normal', 'Created', 'created config map');
    const again = (await api.resource('Event').list({ namespace: 'default' })).items.find(
      (e) => e.reason === 'Created',
    );
    expect(again).toMatchObject({
      metadata: { name: created.metadata.name, uid: created.metadata.uid },
      count: 3,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:10Z',
      message: 'created config map',
    });
    expect(again?.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
  });

  it('starts a new Event when the aggregated one was deleted', async () => {
    const { api, widgets, clock } = cluster();
    const w = await widgets.create(widget('w'));
    const recorder = new EventRecorder(api, { component: 'c', clock });
    await recorder.event(w, 'Normal', 'R', 'm');
    const [first] = (await api.resource('Event').list({ namespace: 'default' })).items;
    await api.resource('Event').delete('default', first.metadata.name);
    await recorder.event(w, 'Normal', 'R', 'm');
    const after = (await api.resource('Event').list({ namespace: 'default' })).items;
    expect(after.map((e) => e.count)).toEqual([1]);
  });

  it('aggregates by the object itself: a recreated object of the same name gets Events of its own', async () => {
    const { api, widgets, clock } = cluster();
    const recorder = new EventRecorder(api, { component: 'c', clock });
    const first = await widgets.create(widget('w'));
    await recorder.event(first, 'Normal', 'R', 'm');
    await recorder.event(first, 'Normal', 'R', 'm');
    await widgets.delete('default', 'w');
    const second = await widgets.create(widget('w'));
    await recorder.event(second, 'Normal', 'R', 'm');
    const events = (await api.resource('Event').list({ namespace: 'default' })).items;
    expect(events.map((e) => [e.involvedObject.uid, e.count]).sort()).toEqual(
      [
        [first.metadata.uid, 2],
        [second.metadata.uid, 1],
      ].sort(),
    );
  });
});

describe('Expectations', () => {
  it('is satisfied once every expected creation and deletion is observed', () => {
    const e = new Expectations({ clock: new FakeClock() });
    expect(e.satisfied('default/rs')).toBe(true);
    e.expectCreations('default/rs', 2);
    e.creationObserved('default/rs');
    expect(e.satisfied('default/rs')).toBe(false);
    e.creationObserved('default/rs');
    expect(e.satisfied('default/rs')).toBe(true);
    e.expectDeletions('default/rs', 1);
    expect(e.satisfied('default/rs')).toBe(false);
    e.deletionObserved('default/rs');
    expect(e.satisfied('default/rs')).toBe(true);
  });

  it('expires after 5 minutes on the clock', async () => {
    const clock = new FakeClock();
    const e = new Expectations({ clock });
    e.expectCreations('k', 3);
    await clock.step(5 * 60 * 1000);
    expect(e.satisfied('k')).toBe(false);
    await clock.step(1);
    expect(e.satisfied('k')).toBe(true);
    e.expectCreations('k', 1);
    e.delete('k');
    expect(e.satisfied('k')).toBe(true);
  });
});
