import { registeredMetric } from '@flotilla/core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** kube-proxy's sync buckets: 1 ms doubling 15 times (to about 16 s). */
const syncBuckets = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

/** kube-proxy's sync metrics, under Kubernetes' names, on a caller's registry. */
export class ProxierMetrics {
  readonly syncDuration: Histogram;
  readonly fullSyncDuration: Histogram;
  readonly partialSyncDuration: Histogram;
  readonly lastSyncTimestamp: Gauge;
  readonly lastQueuedTimestamp: Gauge;
  readonly restoreFailures: Counter;
  readonly iptablesRules: Gauge<'table'>;

  constructor(registry: Registry) {
    const histogram = (name: string, help: string) =>
      registeredMetric(
        registry,
        name,
        () => new Histogram({ name, help, buckets: syncBuckets, registers: [registry] }),
      );
    this.syncDuration = histogram('kubeproxy_sync_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds');
    this.fullSyncDuration = histogram(
      'kubeproxy_sync_full_proxy_rules_duration_seconds',
      'SyncProxyRules latency in seconds for full resyncs',
    );
    this.partialSyncDuration = histogram(
      'kubeproxy_sync_partial_proxy_rules_duration_seconds',
      'SyncProxyRules latency in seconds for partial resyncs',
    );
    this.lastSyncTimestamp = registeredMetric(
      registry,
      'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
      () =>
        new Gauge({
          name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
          help: 'The last time proxy rules were successfully synced',
          registers: [registry],
        }),
    );
    this.lastQueuedTimestamp = registeredMetric(
      registry,
      'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds',
      () =>
        new Gauge({
          name: 'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds',
          help: 'The last time a sync of proxy rules was queued',
          registers: [registry],
        }),
    );
    this.restoreFailures = registeredMetric(
      registry,
      'kubeproxy_sync_proxy_rules_iptables_restore_failures_total',
      () =>
        new Counter({
          name: 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total',
          help: 'Cumulative proxy rules restore failures (iptables-restore, nft or ipvsadm-restore)',
          registers: [registry],
        }),
    );
    this.iptablesRules = registeredMetric(
      registry,
      'kubeproxy_sync_proxy_rules_iptables_total',
      () =>
        new Gauge({
          name: 'kubeproxy_sync_proxy_rules_iptables_total',
          help: 'Total number of iptables rules owned by kube-proxy',
          labelNames: ['table'],
          registers: [registry],
        }),
    );
  }
}
