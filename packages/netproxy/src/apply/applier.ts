/**
 * Loads generated rule text into the kernel.
 *
 * Guarantees: rule text reaches the tool on stdin, and every other value as
 * an element of an argument array: nothing passes through a shell. A failed
 * load throws `ApplyError` carrying the tool's stderr.
 *
 * Caveats: after a failure the kernel state is unknown to the caller; sync
 * next without `previous` (the Proxier does this by itself).
 */
export interface Applier<R extends { readonly text: string }> {
  /** Loads `rules.text` (full or partial, as generated); resolves once the tool has committed it. */
  apply(rules: R): Promise<void>;
  /** Releases what the applier keeps between syncs (a long-lived tool process); the Proxier's `stop` calls it. */
  close?(): Promise<void> | void;
}

/** An applier with a dry run: the tool parses and validates the rules without committing them. */
export interface CheckingApplier<R extends { readonly text: string }> extends Applier<R> {
  /** Has the tool parse and validate `rules.text` without committing it; throws `ApplyError` when it refuses. */
  check(rules: R): Promise<void>;
}
