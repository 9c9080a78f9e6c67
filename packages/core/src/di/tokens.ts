import type { ServiceIdentifier } from 'inversify';
import type { Registry } from 'prom-client';
import type { Api } from '../api/api.js';
import type { Clock } from '../clock/clock.js';
import type { Manager } from '../controller/manager.js';
import type { InformerFactory } from '../informer/informer-factory.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/store.js';

/**
 * The inversify service identifiers of core's components. Other packages
 * inject these (e.g. `@inject(TYPES.Api)`) to share one Api, one set of
 * informers and one Manager per container.
 */
export const TYPES = {
  Store: Symbol.for('flotilla.core.Store') as ServiceIdentifier<Store>,
  Api: Symbol.for('flotilla.core.Api') as ServiceIdentifier<Api>,
  Clock: Symbol.for('flotilla.core.Clock') as ServiceIdentifier<Clock>,
  Logger: Symbol.for('flotilla.core.Logger') as ServiceIdentifier<Logger>,
  MetricsRegistry: Symbol.for('flotilla.core.MetricsRegistry') as ServiceIdentifier<Registry>,
  InformerFactory: Symbol.for('flotilla.core.InformerFactory') as ServiceIdentifier<InformerFactory>,
  Manager: Symbol.for('flotilla.core.Manager') as ServiceIdentifier<Manager>,
} as const;
