import { ContainerModule } from 'inversify';
import { Registry } from 'prom-client';
import { Api } from '../api/api.js';
import { type Clock, RealClock } from '../clock/clock.js';
import type { LeaderElectionOptions } from '../controller/leader-election.js';
import { Manager } from '../controller/manager.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';
import { TYPES } from './tokens.js';

/** What `createCoreModule` binds instead of its defaults. */
export interface CoreModuleOptions {
  /** Default: a new MemoryStore. */
  store?: Store;
  /** Default: the wall clock. */
  clock?: Clock;
  /** Default: a silent logger. */
  logger?: Logger;
  /** Default: a new prom-client Registry (never the global one). */
  metrics?: Registry;
  /** Passed to the Manager. */
  leaderElection?: LeaderElectionOptions;
}

/**
 * An inversify module binding core's components to `TYPES`, each a
 * singleton per container, built from the others: Store -> Api -> Manager,
 * and `TYPES.InformerFactory` is the Manager's own factory, so every
 * component resolved from the container shares one cache per kind.
 *
 * Every class stays constructible without a container; this module only
 * wires the same constructors.
 */
export function createCoreModule(options: CoreModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TYPES.Store)
      .toDynamicValue(() => options.store ?? new MemoryStore())
      .inSingletonScope();
    bind(TYPES.Clock)
      .toDynamicValue(() => options.clock ?? new RealClock())
      .inSingletonScope();
    bind(TYPES.Logger)
      .toDynamicValue(() => options.logger ?? silentLogger())
      .inSingletonScope();
    bind(TYPES.MetricsRegistry)
      .toDynamicValue(() => options.metrics ?? new Registry())
      .inSingletonScope();
    bind(TYPES.Api)
      .toDynamicValue((ctx) => new Api({ store: ctx.get(TYPES.Store), clock: ctx.get(TYPES.Clock) }))
      .inSingletonScope();
    bind(TYPES.Manager)
      .toDynamicValue(
        (ctx) =>
          new Manager({
            api: ctx.get(TYPES.Api),
            clock: ctx.get(TYPES.Clock),
            logger: ctx.get(TYPES.Logger),
            metrics: ctx.get(TYPES.MetricsRegistry),
            leaderElection: options.leaderElection,
          }),
      )
      .inSingletonScope();
    bind(TYPES.InformerFactory)
      .toDynamicValue((ctx) => ctx.get(TYPES.Manager).informers)
      .inSingletonScope();
  });
}

/** `createCoreModule()` with every default: an in-memory cluster on the wall clock. */
export const coreModule: ContainerModule = createCoreModule();
