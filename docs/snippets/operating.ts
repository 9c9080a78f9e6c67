import { Api, createLogger, Manager, MemoryStore } from '@flotilla/core';
import { Registry } from 'prom-client';
import { filter, firstValueFrom } from 'rxjs';

/** Leader election, metrics and logs: the knobs an operator turns. */
async function main() {
  const store = new MemoryStore();
  const api = new Api({ store });
  const metrics = new Registry(); // yours, not prom-client's global one
  const logger = createLogger({ level: 'warn', name: 'controller-manager' }); // pino

  const manager = new Manager({
    api,
    logger,
    metrics,
    leaderElection: { name: 'controller-manager', namespace: 'kube-system', identity: 'replica-a' },
  });
  manager
    .controller('noop')
    .for('ConfigMap')
    .reconcile({ reconcile: async () => undefined });

  const stop = new AbortController();
  const leases = api.resource('Lease').watch({ namespace: 'kube-system' });
  const elected = firstValueFrom(leases.pipe(filter((e) => e.object.spec?.holderIdentity === 'replica-a')));
  await manager.start(stop.signal); // resolves once competing for the lease
  const lease = (await elected).object;
  const exposition = await metrics.metrics(); // serve this text on /metrics
  const families = (await metrics.getMetricsAsJSON()).map((m) => m.name);

  stop.abort();
  await manager.stopped;
  api.close();
  await store.close();
  console.log(`leader: ${lease.spec?.holderIdentity}`);
  // Once the elected replica's controllers run, workqueue_* and controller_runtime_* families join it.
  console.log(`leader_election_master_status exported: ${families.includes('leader_election_master_status')}`);
  console.log(`exposition text for /metrics: ${exposition.startsWith('# HELP')}`);
}

main();
