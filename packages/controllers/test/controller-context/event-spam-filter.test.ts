import { FakeClock, type KubeObject } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { type EventSink, EventSpamFilter } from '../../src/controller-context/event-spam-filter.js';

const object = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
});

describe('EventSpamFilter', () => {
  it('passes a burst of 25 Events per object, then one per 5 minutes', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const sink: EventSink = {
      event: async (obj, _type, _reason, message) => void seen.push(`${obj.metadata.name}:${message}`),
    };
    const filter = new EventSpamFilter(sink, clock);
    for (let i = 0; i < 30; i++) await filter.event(object('a'), 'Normal', 'SuccessfulCreate', `pod ${i}`);
    expect(seen).toHaveLength(25);
    expect(seen.at(-1)).toBe('a:pod 24');
    await filter.event(object('b'), 'Normal', 'SuccessfulCreate', 'first of b');
    expect(seen.at(-1)).toBe('b:first of b');
    await clock.step(5 * 60_000 - 1);
    await filter.event(object('a'), 'Normal', 'SuccessfulCreate', 'still too soon');
    await clock.step(1);
    await filter.event(object('a'), 'Normal', 'SuccessfulCreate', 'after 5 minutes');
    await filter.event(object('a'), 'Normal', 'SuccessfulCreate', 'bucket empty again');
    expect(seen.slice(26)).toEqual(['a:after 5 minutes']);
  });
});
