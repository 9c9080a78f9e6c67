import { FakeClock } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { PodInfo, podKey } from '../../src/cache/pod-info.js';
import { SchedulerCache } from '../../src/cache/scheduler-cache.js';
import { Snapshot } from '../../src/cache/snapshot.js';
import { makeNode, makePod } from '../builders.js';

function setup() {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock, assumedPodTtlMs: 30_000 });
  cache.addNode(makeNode('n1').obj());
  cache.addNode(makeNode('n2').obj());
  const snapshot = new Snapshot();
  cache.updateSnapshot(snapshot);
  return { clock, cache, snapshot };
}

describe('SchedulerCache', () => {
  it('counts an assumed pod at once, and once only after the informer confirms it', () => {
    const { cache, snapshot } = setup();
    const pod = makePod('p').req({ cpu: '1' }).obj();
    cache.assumePod(new PodInfo(pod), 'n1');
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('n1')!.requested.milliCPU).toBe(1000);
    cache.addPod({ ...pod, spec: { ...pod.spec, nodeName: 'n1' } });
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('n1')!.pods).toHaveLength(1);
    expect(snapshot.get('n1')!.requested.milliCPU).toBe(1000);
    expect(cache.isAssumed(podKey(pod))).toBe(false);
  });

  it('moves a pod the informer reports on another node than assumed', () => {
    const { cache, snapshot } = setup();
    const pod = makePod('p').req({ cpu: '1' }).obj();
    cache.assumePod(new PodInfo(pod), 'n1');
    cache.addPod({ ...pod, spec: { ...pod.spec, nodeName: 'n2' } });
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('n1')!.pods).toHaveLength(0);
    expect(snapshot.get('n2')!.requested.milliCPU).toBe(1000);
  });

  it('forgets an assumed pod whose binding failed', () => {
    const { cache, snapshot } = setup();
    const pod = makePod('p').req({ cpu: '1' }).obj();
    cache.assumePod(new PodInfo(pod), 'n1');
    cache.forgetPod(podKey(pod));
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('n1')!.requested.milliCPU).toBe(0);
    expect(cache.hasPod(podKey(pod))).toBe(false);
  });

  it('expires an assumed pod whose finished binding is never confirmed, on the clock', async () => {
    const { clock, cache } = setup();
    const pod = makePod('p').obj();
    cache.assumePod(new PodInfo(pod), 'n1');
    await clock.step(60_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    cache.finishBinding(podKey(pod));
    await clock.step(29_999);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    await clock.step(1);
    expect(cache.cleanupExpiredAssumedPods()).toEqual(['default/p']);
    expect(cache.hasPod('default/p')).toBe(false);
  });

  it('copies only changed nodes into the snapshot', () => {
    const { cache, snapshot } = setup();
    const before2 = snapshot.get('n2');
    cache.addPod(makePod('p').node('n1').obj());
    cache.updateSnapshot(snapshot);
    expect(snapshot.get('n2')).toBe(before2);
    expect(snapshot.get('n1')!.pods).toHaveLength(1);
    expect(snapshot.nodeInfoList.map((n) => n.name)).toEqual(['n1', 'n2']);
    expect(snapshot.nodeInfoList[0]).toBe(snapshot.get('n1'));
  });

  it('drops removed nodes from the snapshot and keeps the affinity lists current', () => {
    const { cache, snapshot } = setup();
    cache.addPod(
      makePod('anti')
        .node('n2')
        .podAffinity('podAntiAffinity', {
          labelSelector: { matchLabels: { a: 'b' } },
          topologyKey: 'kubernetes.io/hostname',
        })
        .obj(),
    );
    cache.updateSnapshot(snapshot);
    expect(snapshot.havePodsWithRequiredAntiAffinityList.map((n) => n.name)).toEqual(['n2']);
    cache.removeNode('n1');
    cache.updateSnapshot(snapshot);
    expect(snapshot.nodeInfoList.map((n) => n.name)).toEqual(['n2']);
    expect(snapshot.get('n1')).toBeUndefined();
  });

  it('refuses to assume a pod twice', () => {
    const { cache } = setup();
    const pod = makePod('p').obj();
    cache.assumePod(new PodInfo(pod), 'n1');
    expect(() => cache.assumePod(new PodInfo(pod), 'n2')).toThrow(
      /already in the scheduler cache \(assumed or bound\)/,
    );
  });
});
