import { FakeClock } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { criLabels, FakeRuntime } from '../src/index.js';

const labels = (uid: string, extra: Record<string, string> = {}) => ({ [criLabels.podUid]: uid, ...extra });

async function podWithContainer(runtime: FakeRuntime, uid: string) {
  const sandbox = await runtime.runPodSandbox({
    metadata: { name: uid, uid, namespace: 'default', attempt: 0 },
    labels: labels(uid, { node: 'a' }),
  });
  const container = await runtime.createContainer(sandbox, {
    metadata: { name: 'app', attempt: 0 },
    image: { image: 'app:v1' },
    labels: labels(uid, { node: 'a' }),
  });
  return { sandbox, container };
}

describe('FakeRuntime lists by pod uid label', () => {
  it('returns exactly one pod’s sandboxes and containers, honours the rest of the filter, and forgets removed ones', async () => {
    const runtime = new FakeRuntime({ clock: new FakeClock(), images: ['app:v1'] });
    const one = await podWithContainer(runtime, 'uid-1');
    const two = await podWithContainer(runtime, 'uid-2');

    expect((await runtime.listPodSandbox({ labelSelector: labels('uid-1') })).map((s) => s.id)).toEqual([one.sandbox]);
    expect((await runtime.listContainers({ labelSelector: labels('uid-2') })).map((c) => c.id)).toEqual([
      two.container,
    ]);
    expect(await runtime.listContainers({ labelSelector: labels('uid-1', { node: 'b' }) })).toEqual([]);
    expect(await runtime.listContainers({ labelSelector: labels('uid-1'), state: 'CONTAINER_RUNNING' })).toEqual([]);
    expect(await runtime.listContainers({ labelSelector: labels('uid-3') })).toEqual([]);
    expect(await runtime.listContainers({ labelSelector: { node: 'a' } })).toHaveLength(2);

    await runtime.removePodSandbox(one.sandbox);

    expect(await runtime.listPodSandbox({ labelSelector: labels('uid-1') })).toEqual([]);
    expect(await runtime.listContainers({ labelSelector: labels('uid-1') })).toEqual([]);
    expect((await runtime.listPodSandbox({ labelSelector: labels('uid-2') })).map((s) => s.id)).toEqual([two.sandbox]);
  });
});
