/**
 * Records every error that escapes as an `uncaughtException` or an
 * `unhandledRejection` while installed, so a test can assert that a fault
 * in a dependency stayed contained instead of relying on the process dying.
 */
export class ProcessFaults {
  readonly escaped: { kind: 'uncaughtException' | 'unhandledRejection'; error: unknown }[] = [];
  private readonly onUncaught = (error: unknown) => this.escaped.push({ kind: 'uncaughtException', error });
  private readonly onUnhandled = (error: unknown) => this.escaped.push({ kind: 'unhandledRejection', error });

  install(): void {
    process.on('uncaughtException', this.onUncaught);
    process.on('unhandledRejection', this.onUnhandled);
  }

  uninstall(): void {
    process.off('uncaughtException', this.onUncaught);
    process.off('unhandledRejection', this.onUnhandled);
  }

  /** The escaped errors as `kind: message` lines, for a readable assertion. */
  describe(): string[] {
    return this.escaped.map(({ kind, error }) => `${kind}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
