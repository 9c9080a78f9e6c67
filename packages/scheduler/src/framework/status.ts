/**
 * What an extension point answered. The codes and their meaning are
 * kube-scheduler's:
 * - `Success`: go on.
 * - `Unschedulable`: the pod does not fit here now; preemption may help.
 * - `UnschedulableAndUnresolvable`: the pod does not fit here and preemption
 *   cannot change that (a taint, a node selector): the node is skipped by
 *   preemption.
 * - `Wait`: a Permit plugin holds the pod until allowed, denied or timed out.
 * - `Skip`: a PreFilter/PreScore plugin has nothing to do for this pod (its
 *   Filter/Score is then not run), or a Bind plugin leaves binding to the next.
 * - `Error`: something broke; the pod is retried with backoff.
 */
export type StatusCode = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip';

/**
 * An extension point's answer: a code, human reasons (they end up in the
 * pod's `PodScheduled=False` message) and the plugin that gave it.
 */
export class Status {
  private static readonly successSingleton = new Status('Success');

  private constructor(
    readonly code: StatusCode,
    readonly reasons: readonly string[] = [],
    /** The plugin that returned this status, set by the framework. */
    readonly plugin?: string,
    readonly error?: Error,
  ) {}

  /** The one success value (shared: plugins return it on the hot path without allocating). */
  static success(): Status {
    return Status.successSingleton;
  }

  /** The pod does not fit; preemption may make room. */
  static unschedulable(...reasons: string[]): Status {
    return new Status('Unschedulable', reasons);
  }

  /** The pod does not fit and evicting pods would not change that. */
  static unresolvable(...reasons: string[]): Status {
    return new Status('UnschedulableAndUnresolvable', reasons);
  }

  /** Permit: hold the pod. */
  static wait(...reasons: string[]): Status {
    return new Status('Wait', reasons);
  }

  /** Nothing to do for this pod (PreFilter/PreScore), or not my pod to bind (Bind). */
  static skip(): Status {
    return new Status('Skip');
  }

  /** An internal failure; the pod goes to the backoff queue. */
  static error(err: unknown): Status {
    const e = err instanceof Error ? err : new Error(String(err));
    return new Status('Error', [e.message], undefined, e);
  }

  /** The same status attributed to `plugin` (a status is immutable). */
  withPlugin(plugin: string): Status {
    if (this.plugin === plugin || this.code === 'Success') return this;
    return new Status(this.code, this.reasons, plugin, this.error);
  }

  /** True for code Success. */
  isSuccess(): boolean {
    return this.code === 'Success';
  }

  /** The reasons joined for messages and logs. */
  message(): string {
    return this.reasons.join(', ');
  }
}
