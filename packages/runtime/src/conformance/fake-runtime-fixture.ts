import { FakeClock } from '@flotilla/core';
import { execKey } from '../fake/container-script.js';
import { FakeRuntime } from '../fake/fake-runtime.js';
import type { ConformanceFixture } from './fixture.js';

/**
 * The fixture for `FakeRuntime` on a `FakeClock`: each `ProcessSpec` becomes
 * a script on an image of its own, and time passes by stepping the clock.
 * `describeRuntimeConformance('FakeRuntime', async () => fakeRuntimeFixture(), { pushesEvents: true })`
 * is the whole test.
 */
export function fakeRuntimeFixture(): ConformanceFixture {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ clock, podCIDR: '198.18.4.0/24', images: ['conformance/base:v1'] });
  runtime.failPull('conformance/unpullable:v1', 'registry unreachable');
  let images = 0;
  return {
    runtime,
    presentImage: 'conformance/base:v1',
    unpullableImage: 'conformance/unpullable:v1',
    container(name, spec) {
      images += 1;
      const image = `conformance/scripted-${images}:v1`;
      runtime.addImage(image);
      runtime.script(image, {
        logs: spec.logs,
        runMs: spec.oom ? 50 : spec.exit?.afterMs,
        exitCode: spec.exit?.code,
        oomKilled: spec.oom,
        ignoresSigterm: spec.ignoresSigterm,
        exec: Object.fromEntries((spec.exec ?? []).map((r) => [execKey(['answer', JSON.stringify(r)]), r])),
        usage: { cpuNanoCores: 2_000_000, memoryWorkingSetBytes: 4 << 20 },
        ...(spec.httpPort ? { listen: { [spec.httpPort]: 200 } } : {}),
      });
      return { metadata: { name, attempt: 0 }, image: { image } };
    },
    execCommandFor: (result) => ['answer', JSON.stringify(result)],
    pass: (ms) => clock.step(ms),
    close: async () => {},
  };
}
