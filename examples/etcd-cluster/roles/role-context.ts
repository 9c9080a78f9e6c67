import type { Api, Clock, LeaderElectionOptions, Logger } from '@flotilla/core';

/** Something a component process tells the script that started it, as one JSON line on stdout. */
export type ComponentEvent =
  | { event: 'ready' }
  | { event: 'leading' }
  /** Endpoints each service port (`namespace/name[:port]`) is forwarded to, as the data plane holds them. */
  | { event: 'rules'; mode: 'iptables' | 'userspace'; endpoints: Record<string, number> };

/** What every role gets from the component process. */
export interface RoleContext {
  api: Api;
  clock: Clock;
  logger: Logger;
  /** This process's name: its leader-election identity, or its node name. */
  name: string;
  /** Aborts when the process is told to stop (SIGTERM / SIGINT). */
  signal: AbortSignal;
  report(event: ComponentEvent): void;
}

/**
 * Leader election on a short fuse, so that a killed leader is replaced in
 * seconds rather than Kubernetes' 15 s; the same ratios as Kubernetes'
 * defaults (renew deadline two thirds of the lease, retry well inside it).
 */
// #region leader-election
export function leaderElection(lease: string, identity: string): LeaderElectionOptions {
  return {
    name: lease,
    namespace: 'kube-system',
    identity,
    leaseDurationMs: 6_000,
    renewDeadlineMs: 4_000,
    retryPeriodMs: 1_000,
  };
}
// #endregion leader-election
