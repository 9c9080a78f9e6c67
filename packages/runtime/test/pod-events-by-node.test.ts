import {
  Api,
  FakeClock,
  Informer,
  type InformerEvent,
  MemoryStore,
  type Pod,
  type SharedInformer,
} from '@flotilla/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { podEventsOfNode } from '../src/agent/pod-events-by-node.js';

const pod = (name: string, nodeName?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'app', image: 'app:v1' }] },
});

const event = (type: InformerEvent<Pod>['type'], name: string, nodeName?: string): InformerEvent<Pod> => ({
  type,
  object: pod(name, nodeName),
  isInInitialList: false,
});

/** Just enough of a shared informer: its event stream, and how many subscribe to it. */
function fakeInformer() {
  const events = new Subject<InformerEvent<Pod>>();
  return { events, informer: { events$: events, cache: { list: () => [] } } as unknown as SharedInformer<Pod> };
}

const seen = (events: InformerEvent<Pod>[]) => events.map((e) => `${e.type} ${e.object.metadata.name}`);

describe('podEventsOfNode', () => {
  const stream = [
    event('added', 'unbound'),
    event('updated', 'a-1', 'node-a'),
    event('added', 'b-1', 'node-b'),
    event('updated', 'a-2', 'node-a'),
    event('added', 'c-1', 'node-c'),
    event('deleted', 'a-1', 'node-a'),
  ];
  it.each([
    { node: 'node-a', expected: ['updated a-1', 'updated a-2', 'deleted a-1'] },
    { node: 'node-b', expected: ['added b-1'] },
    { node: 'node-z', expected: [] },
  ])('gives $node the events of its own pods, in order', ({ node, expected }) => {
    const { events, informer } = fakeInformer();
    const got: InformerEvent<Pod>[] = [];
    const other: InformerEvent<Pod>[] = [];
    const sub = podEventsOfNode(informer, node).subscribe((e) => got.push(e));
    const sameNode = podEventsOfNode(informer, node).subscribe((e) => other.push(e));
    for (const e of stream) events.next(e);
    expect(seen(got)).toEqual(expected);
    expect(seen(other)).toEqual(expected);
    sub.unsubscribe();
    sameNode.unsubscribe();
  });

  it('subscribes to the informer once for all nodes, and leaves it when the last one unsubscribes', () => {
    const { events, informer } = fakeInformer();
    const subs = ['node-a', 'node-b', 'node-c'].map((n) => podEventsOfNode(informer, n).subscribe(() => {}));
    expect(events.observed).toBe(true);
    expect((events as unknown as { observers: unknown[] }).observers).toHaveLength(1);
    subs[0].unsubscribe();
    subs[1].unsubscribe();
    expect(events.observed).toBe(true);
    subs[2].unsubscribe();
    expect(events.observed).toBe(false);
    const again: InformerEvent<Pod>[] = [];
    const sub = podEventsOfNode(informer, 'node-b').subscribe((e) => again.push(e));
    events.next(event('added', 'b-2', 'node-b'));
    expect(seen(again)).toEqual(['added b-2']);
    sub.unsubscribe();
  });

  it('keeps one unsubscribed agent from receiving what its node still gets', () => {
    const { events, informer } = fakeInformer();
    const first: InformerEvent<Pod>[] = [];
    const second: InformerEvent<Pod>[] = [];
    const sub = podEventsOfNode(informer, 'node-a').subscribe((e) => first.push(e));
    podEventsOfNode(informer, 'node-a').subscribe((e) => second.push(e));
    sub.unsubscribe();
    events.next(event('added', 'a-3', 'node-a'));
    expect(seen(first)).toEqual([]);
    expect(seen(second)).toEqual(['added a-3']);
  });
});

describe('podEventsOfNode on a real shared informer', () => {
  it('gives an agent that joins after others the pods already bound to its node, then its live events', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    for (const [name, node] of [
      ['a-1', 'node-a'],
      ['b-1', 'node-b'],
      ['b-2', 'node-b'],
    ]) {
      await api.resource('Pod').create(pod(name, node));
    }
    const abort = new AbortController();
    const informer = new Informer<Pod>(api, 'Pod', { clock });
    informer.start(abort.signal);
    await informer.synced;
    const a: InformerEvent<Pod>[] = [];
    const b: InformerEvent<Pod>[] = [];
    podEventsOfNode(informer, 'node-a').subscribe((e) => a.push(e));
    // node-b's agent subscribes once the shared subscription exists (it registered its Node later).
    podEventsOfNode(informer, 'node-b').subscribe((e) => b.push(e));
    expect(seen(a)).toEqual(['added a-1']);
    expect(seen(b).sort()).toEqual(['added b-1', 'added b-2']);
    expect(b.every((e) => e.isInInitialList)).toBe(true);
    await api.resource('Pod').create(pod('b-3', 'node-b'));
    for (let i = 0; i < 100 && b.length < 3; i++) await new Promise((r) => setImmediate(r));
    expect(seen(b).slice(2)).toEqual(['added b-3']);
    expect(seen(a)).toEqual(['added a-1']);
    abort.abort();
  });
});
