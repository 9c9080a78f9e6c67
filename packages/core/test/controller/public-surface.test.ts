import * as core from '@flotilla/core';
import { describe, expect, it } from 'vitest';

/**
 * Pins the runtime exports of the controller machinery, so that the public
 * surface other packages build on changes only on purpose: a change here is
 * an API change to announce.
 */
const surface: Record<string, string[]> = {
  clock: ['FakeClock', 'RealClock', 'resolveClock', 'sleepOn', 'toTimestamp'],
  workqueue: [
    'WorkQueue',
    'bucketRateLimiter',
    'defaultControllerRateLimiter',
    'exponentialFailureRateLimiter',
    'maxOfRateLimiter',
  ],
  informer: [
    'Cache',
    'Informer',
    'InformerFactory',
    'jitteredBackoff',
    'keyOf',
    'namespaceIndex',
    'objectKey',
    'parseObjectKey',
  ],
  controller: [
    'Controller',
    'ControllerBuilder',
    'EventRecorder',
    'Expectations',
    'LeaderElector',
    'Manager',
    'TerminalError',
    'annotationsChanged',
    'anyOf',
    'ensureFinalizer',
    'generationChanged',
    'getControllerOf',
    'isOwnedBy',
    'labelsChanged',
    'removeFinalizer',
    'requestForObject',
    'resourceVersionChanged',
    'setControllerReference',
  ],
  di: ['TYPES', 'coreModule', 'createCoreModule'],
  lifecycle: ['LifecycleGates', 'LoopingComponent', 'RunLoop'],
  metrics: ['controllerMetrics', 'noControllerMetrics', 'noWorkQueueMetrics', 'registeredMetric', 'workQueueMetrics'],
};

describe('public surface of the controller machinery', () => {
  it.each(
    Object.entries(surface),
  )('%s exports exactly the pinned names, all reachable from @flotilla/core', async (folder, names) => {
    const mod = (await import(`../../src/${folder}/index.ts`)) as Record<string, unknown>;
    expect(Object.keys(mod).sort()).toEqual([...names].sort());
    for (const name of names) expect((core as Record<string, unknown>)[name], name).toBe(mod[name]);
  });
});
