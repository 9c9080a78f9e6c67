import { TYPES } from '@flotilla/core';
import { ContainerModule } from 'inversify';
import { ClusterDns, type ClusterDnsOptions } from '../dns/cluster-dns.js';
import { Proxier, type ProxierMode } from '../proxier/proxier.js';
import type { NodeInput } from '../source/service-informers.js';
import { UserspaceProxy, type UserspaceProxyOptions } from '../userspace/userspace-proxy.js';

/** Injection tokens of the netproxy package. */
export const NetproxyTokens = {
  /** A Proxier on core's shared informers (bound when `proxier` is given). */
  Proxier: Symbol.for('flotilla.netproxy.Proxier'),
  /** The userspace TCP proxy. */
  UserspaceProxy: Symbol.for('flotilla.netproxy.UserspaceProxy'),
  /** The cluster DNS server. */
  ClusterDns: Symbol.for('flotilla.netproxy.ClusterDns'),
} as const;

/** What `createNetproxyModule` builds its components from. */
export interface NetproxyModuleOptions {
  /** The node the proxy programs: its name and IPs (and cluster CIDR, masquerade settings). */
  readonly node: NodeInput;
  /** The data plane and its applier; without it no Proxier is bound. */
  readonly proxier?: ProxierMode & { readonly minSyncIntervalMs?: number; readonly maxSyncIntervalMs?: number };
  readonly userspace?: UserspaceProxyOptions;
  readonly dns?: ClusterDnsOptions;
}

/**
 * An inversify module binding netproxy's components as singletons, built on
 * core's shared components (load `createCoreModule` in the same container):
 * the Proxier reads `TYPES.InformerFactory`, and every component takes
 * `TYPES.Clock`, `TYPES.Logger` and (the Proxier) `TYPES.MetricsRegistry`.
 * Each class stays constructible without a container.
 */
export function createNetproxyModule(options: NetproxyModuleOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const proxier = options.proxier;
    if (proxier) {
      bind(NetproxyTokens.Proxier)
        .toDynamicValue(
          (ctx) =>
            new Proxier({
              ...options.node,
              ...proxier,
              informers: ctx.get(TYPES.InformerFactory),
              clock: ctx.get(TYPES.Clock),
              logger: ctx.get(TYPES.Logger),
              metrics: ctx.get(TYPES.MetricsRegistry),
            }),
        )
        .inSingletonScope();
    }
    bind(NetproxyTokens.UserspaceProxy)
      .toDynamicValue(
        (ctx) =>
          new UserspaceProxy({ clock: ctx.get(TYPES.Clock), logger: ctx.get(TYPES.Logger), ...options.userspace }),
      )
      .inSingletonScope();
    bind(NetproxyTokens.ClusterDns)
      .toDynamicValue((ctx) => new ClusterDns({ logger: ctx.get(TYPES.Logger), ...options.dns }))
      .inSingletonScope();
  });
}
