/**
 * Anything the Manager runs under its lifecycle: controllers, and components
 * such as a scheduler or a proxier (controller-runtime's `Runnable`).
 *
 * `start` either returns at once (having started background work that stops
 * when `signal` aborts) or returns a promise that settles when the component
 * has stopped; the Manager waits for that promise on shutdown. A component
 * with the `ComponentLifecycle` shape (a `Scheduler`, a `Proxier`) fits as it
 * is: its `start` resolves when ready, and the Manager then waits for its
 * `stopped`.
 */
export interface Runnable {
  /** Runs until `signal` aborts (for leader-elected runnables: until leadership ends). */
  start(signal: AbortSignal): Promise<unknown> | void;
  /** For `ComponentLifecycle` components: settles once the component has stopped. */
  readonly stopped?: Promise<void>;
  /**
   * Whether it may run only on the elected leader. Default true (as
   * controller-runtime): set false for components every replica runs, such
   * as a metrics server.
   */
  needLeaderElection?: boolean;
}
