import type { Metric, Registry } from 'prom-client';

/**
 * The metric called `name` on `registry`, created on first use. Several
 * queues or controllers share one metric family (told apart by labels), and
 * prom-client refuses to register a name twice, so creation goes through here.
 */
export function registeredMetric<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
