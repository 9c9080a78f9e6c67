import { describe, expect, it } from 'vitest';
import * as scheduler from '../src/index.js';

describe('@flotilla/scheduler public surface', () => {
  it('exports exactly these runtime values (change on purpose only)', () => {
    expect(Object.keys(scheduler).sort()).toEqual([
      'ApiSchedulerClient',
      'CycleState',
      'DEFAULT_SCHEDULER_NAME',
      'FitError',
      'Framework',
      'MAX_NODE_SCORE',
      'PluginRegistry',
      'PodInfo',
      'SYSTEM_DEFAULT_SPREAD_CONSTRAINTS',
      'Scheduler',
      'SchedulerTokens',
      'StateKey',
      'Status',
      'buildNodeInfo',
      'defaultNormalizeScore',
      'defaultPlugins',
      'defaultProfile',
      'defaultRegistry',
      'defaultSpreadSelector',
      'insufficientResources',
      'podRequests',
      'schedulerModule',
      'simulate',
    ]);
  });
});
