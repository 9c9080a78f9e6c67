/**
 * How many requests the server is answering, for a graceful stop to wait
 * on: a count, not a set of promises (a request pays for no promise of its
 * own to be waited for). A request past its timeout counts as answered: it
 * was, with a 504, and its work runs on unobserved, as in kube-apiserver.
 */
export class ActiveRequests {
  private count = 0;
  private drained?: () => void;

  /** A request begins. */
  started(): void {
    this.count++;
  }

  /** A request that `started` was answered. */
  ended(): void {
    this.count--;
    if (this.count === 0) this.drained?.();
  }

  /** Resolves once no request is being answered. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }
}
