import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ComponentLifecycle } from '@flotilla/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { DashboardAddress, DashboardHandler, DashboardServer, serveDashboard } from '../src/index.js';

describe('@flotilla/dashboard follows the conventions (docs/guides/conventions.md)', () => {
  it('the standalone server has the lifecycle shape, and start says where it listens', () => {
    expectTypeOf<DashboardServer>().toExtend<ComponentLifecycle>();
    expectTypeOf<DashboardServer['start']>().returns.toEqualTypeOf<Promise<DashboardAddress>>();
    expectTypeOf<typeof serveDashboard>().returns.toEqualTypeOf<Promise<DashboardServer>>();
  });
  it('the handler still mounts as a plain (req, res) => boolean', () => {
    expectTypeOf<DashboardHandler>().toExtend<(req: IncomingMessage, res: ServerResponse) => boolean>();
  });
});
