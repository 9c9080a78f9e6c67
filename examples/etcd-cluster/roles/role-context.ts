import type { Clock, LeaderElectionOptions, Logger, RemoteApi } from '@flotilla/core';

/** Something a component process tells the script that started it, as one JSON line on stdout. */
export type ComponentEvent =
  | { event: 'ready' }
  | { event: 'leading' }
  /** An apiserver listens at `url` (HTTPS). */
  | { event: 'serving'; url: string }
  /** Endpoints each service port (`namespace/name[:port]`) is forwarded to, as the data plane holds them. */
  | { event: 'rules'; mode: 'iptables' | 'userspace'; endpoints: Record<string, number> };

/** What every role gets from its component process. */
export interface ProcessContext {
  clock: Clock;
  logger: Logger;
  /** This process's name: its leader-election identity, or its node name. */
  name: string;
  /** Aborts when the process is told to stop (SIGTERM / SIGINT). */
  signal: AbortSignal;
  report(event: ComponentEvent): void;
}

/** What a client component gets: the cluster through the apiservers, as its own identity (its kubeconfig). */
export interface RoleContext extends ProcessContext {
  api: RemoteApi;
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Leader election on a short fuse, so that a killed leader is replaced in
 * seconds rather than Kubernetes' 15 s; the same ratios as Kubernetes'
 * defaults (renew deadline two thirds of the lease, retry well inside it).
 * The lease names are Kubernetes' own, which the bootstrap roles let each
 * component's user update.
 */
// #region leader-election
export function leaderElection(
  lease: 'kube-controller-manager' | 'kube-scheduler',
  identity: string,
): LeaderElectionOptions {
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
