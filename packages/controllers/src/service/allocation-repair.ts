import type { Clock, Logger, Runnable, Service } from '@flotilla/core';
import type { ControllerContext } from '../controller-context/controller-context.js';
import type { ServiceAllocations } from './service-allocations.js';

/** Kubernetes' repair interval for the ClusterIP and NodePort allocators. */
export const ALLOCATION_REPAIR_INTERVAL_MS = 3 * 60_000;

/**
 * Runs `ServiceAllocations.repair` every interval on the Clock while the
 * manager runs (Kubernetes' `ipallocator/controller/repair.go` and its node
 * port twin): frees leaked allocations and reports a value held by two
 * services as a Warning event on each of them.
 */
export class AllocationRepair implements Runnable {
  constructor(
    private readonly allocations: ServiceAllocations,
    private readonly options: {
      clock: Clock;
      logger: Logger;
      events?: ControllerContext['events'];
      intervalMs?: number;
    },
  ) {}

  async start(signal: AbortSignal): Promise<void> {
    const interval = this.options.intervalMs ?? ALLOCATION_REPAIR_INTERVAL_MS;
    while (!signal.aborted) {
      await this.runOnce();
      await this.options.clock.sleep(interval, signal).catch(() => undefined);
    }
  }

  /** One repair pass; failures are logged and retried at the next interval. */
  async runOnce(): Promise<void> {
    try {
      const { conflicts } = await this.allocations.repair();
      for (const c of conflicts) {
        this.options.logger.warn({ conflict: c }, 'service allocation held twice');
        const [key] = c.split(': ');
        const [namespace, name] = key.split('/');
        const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: {} };
        await this.options.events?.event(
          svc,
          'Warning',
          'ClusterIPAlreadyAllocated',
          `${c} is also held by another Service; recreate one of them`,
        );
      }
    } catch (err) {
      this.options.logger.error({ err }, 'service allocation repair failed; retrying at the next interval');
    }
  }
}
