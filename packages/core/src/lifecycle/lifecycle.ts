/**
 * The one shape of every long-running part of Flotilla: the Manager, the
 * Scheduler, the NodeAgent, the Proxier, the userspace proxy, cluster DNS
 * and the apiserver.
 *
 * - `start(signal?)` resolves once the part is ready to use (caches synced,
 *   sockets bound); it rejects if the part fails before that. Aborting
 *   `signal` stops the part as `stop()` does.
 * - `stop()` resolves once everything the part holds is released (timers,
 *   sockets, watches, child processes). It may be called at any time, more
 *   than once, and before `start`.
 * - `ready` and `stopped` are the same two moments as promises, for code
 *   that did not call `start` itself. Neither rejects: a failure is
 *   reported by `start` (before ready) or by the part's own error path.
 */
export interface ComponentLifecycle {
  /** Starts the part; resolves once it is ready to use (see above). */
  start(signal?: AbortSignal): Promise<unknown>;
  /** Stops the part; resolves once everything it holds is released (see above). */
  stop(): Promise<void>;
  /** May carry what readiness produced (the apiserver's addresses); what matters is when it settles. */
  readonly ready: Promise<unknown>;
  readonly stopped: Promise<void>;
}

/**
 * The `ready` and `stopped` moments of one run of a component, with the
 * calls that settle them: what a component with its own start and stop
 * keeps, instead of hand-made promise pairs.
 */
export class LifecycleGates {
  /** Settles when ready; never rejects (see `whenReady` for the failure). */
  readonly ready: Promise<void>;
  /** Settles when stopped; never rejects. */
  readonly stopped: Promise<void>;
  /** Resolves when ready, rejects with the failure that came first: what `start` returns. */
  readonly whenReady: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (err: unknown) => void;
  private resolveStopped!: () => void;

  constructor() {
    this.whenReady = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // `whenReady` is awaited by `start`'s caller; no unhandled rejection when nobody else is.
    this.ready = this.whenReady.catch(() => {});
    this.stopped = new Promise<void>((resolve) => {
      this.resolveStopped = resolve;
    });
  }

  /** The run is ready: `whenReady` and `ready` resolve. */
  markReady(): void {
    this.resolveReady();
  }

  /** The run failed before it was ready: `whenReady` rejects with `err`. */
  failReady(err: unknown): void {
    this.rejectReady(err);
  }

  /** Everything the run held is released: `stopped` resolves. */
  markStopped(): void {
    this.resolveStopped();
  }
}

/** What a `RunLoop` runs: until `signal` aborts, calling `ready()` once it is ready to use. */
export type RunLoopBody = (signal: AbortSignal, ready: () => void) => Promise<void>;

/**
 * The `ComponentLifecycle` shape around a component's run loop, so each component
 * writes only its loop: `start`, `stop`, `ready`, `stopped` and `run` come
 * from here, with the same semantics everywhere.
 *
 * Guarantees: one run at a time (`start` while running is refused);
 * `ready` and `stopped` read before `start` belong to the run it begins;
 * after a run has stopped, `start` begins a new one with fresh `ready` and
 * `stopped` promises (so a leader-elected component can start once per term, if its
 * loop can run again); `stop` aborts the loop's signal and waits for the loop
 * to return.
 */
export class RunLoop implements ComponentLifecycle {
  private gates = new LifecycleGates();
  /** Whether `gates` belong to a run that has not begun: `ready` and `stopped` read before `start` are that run's. */
  private fresh = true;
  private abort: AbortController | undefined;
  /** The current run's body: rejects with the loop's error. */
  private outcome: Promise<void> = Promise.resolve();

  constructor(
    private readonly body: RunLoopBody,
    /** For error messages: what this loop runs (`scheduler`, `node agent node-1`). */
    private readonly name: string,
  ) {}

  get ready(): Promise<void> {
    return this.gates.ready;
  }

  get stopped(): Promise<void> {
    return this.gates.stopped;
  }

  /** True between `start` and the end of that run. */
  get running(): boolean {
    return this.abort !== undefined;
  }

  /** Starts a run of the body; resolves once it reports ready, rejects if it fails before then or a run is already on. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.abort) throw new Error(`${this.name} is already running; stop() it before starting it again`);
    const abort = new AbortController();
    this.abort = abort;
    const gates = this.fresh ? this.gates : new LifecycleGates();
    this.fresh = false;
    this.gates = gates;
    const onAbort = () => abort.abort(signal?.reason);
    if (signal?.aborted) abort.abort(signal.reason);
    else signal?.addEventListener('abort', onAbort, { once: true });
    this.outcome = this.body(abort.signal, () => gates.markReady());
    this.outcome.then(
      () => gates.failReady(new Error(`${this.name} stopped before it was ready`)),
      (err: unknown) => gates.failReady(err),
    );
    void this.outcome
      .catch(() => {})
      .finally(() => {
        signal?.removeEventListener('abort', onAbort);
        if (this.abort === abort) this.abort = undefined;
        gates.markStopped();
      });
    return gates.whenReady;
  }

  /** Aborts the current run (if any) and resolves once it has ended. */
  async stop(): Promise<void> {
    if (this.abort) this.abort.abort();
    else if (this.fresh) {
      // Never started: nothing to release; a later start begins a new run.
      this.fresh = false;
      this.gates.markStopped();
    }
    await this.gates.stopped;
  }

  /**
   * Starts and resolves when the run ends: the form a `Manager` runnable
   * or a plain `await` wants. Rejects with the loop's error, before or after
   * ready.
   */
  async run(signal?: AbortSignal): Promise<void> {
    await this.start(signal);
    await this.outcome;
  }
}

/**
 * A component whose work is one run loop, with the whole `ComponentLifecycle`
 * from a `RunLoop`: a subclass writes `serve` only (the Scheduler and the
 * NodeAgent are two).
 */
export abstract class LoopingComponent implements ComponentLifecycle {
  private readonly loop: RunLoop;

  /** `name` says what runs, for error messages (`scheduler`, `node agent node-1`). */
  constructor(name: string) {
    this.loop = new RunLoop((signal, ready) => this.serve(signal, ready), name);
  }

  /** The loop: runs until `signal` aborts, calling `ready()` once the component is ready to use. */
  protected abstract serve(signal: AbortSignal, ready: () => void): Promise<void>;

  /** Starts the loop; resolves once it is ready (see `ComponentLifecycle`). */
  start(signal?: AbortSignal): Promise<void> {
    return this.loop.start(signal);
  }

  /** Stops the loop; resolves once it has returned. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Settles when the current (or next) run is ready. */
  get ready(): Promise<void> {
    return this.loop.ready;
  }

  /** Settles when the current (or next) run has stopped. */
  get stopped(): Promise<void> {
    return this.loop.stopped;
  }

  /** `start`, then resolves when the run ends (after `signal` aborts or `stop()`): the form `await` or a Manager runnable wants. */
  run(signal?: AbortSignal): Promise<void> {
    return this.loop.run(signal);
  }
}
