import type { Clock, Logger } from '@flotilla/core';
import type { NftablesRules } from '../nftables/nftables-rules.js';
import type { CheckingApplier } from './applier.js';
import { type CommandRunner, runChecked, spawnRunner } from './command-runner.js';
import { nftOneLine } from './nft-one-line.js';
import { NftSession } from './nft-session.js';

/** Options for `NftablesApplier`. */
export interface NftablesApplierOptions {
  /** Default: spawn on the host. Use `inNetworkNamespace(ns)` to apply inside a namespace. */
  readonly runner?: CommandRunner;
  /** Times the session's answers (see `NftSession`); default the wall clock. */
  readonly clock?: Clock;
  /** How long an incremental sync may wait for the session's answer; default 30,000 ms. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * Loads `nftablesRules` output: one atomic transaction per sync.
 *
 * - Full syncs (megabytes of `table {}` blocks) go to a one-shot `nft -f -`
 *   on stdin.
 * - Incremental syncs go, joined into one line, to a long-lived `nft -i`
 *   child (`NftSession`) started where the runner runs commands, when the
 *   runner can `launch`; otherwise (or for a script that cannot be joined
 *   safely) to `nft -f -` as well.
 *
 * Guarantees: a refused sync throws `ApplyError` with nft's stderr and
 * leaves the table as it was.
 *
 * Caveats: with a launching runner, one `nft -i` child lives as long as the
 * applier is used: call `close()` when done (the Proxier's `stop` does).
 */
export class NftablesApplier implements CheckingApplier<NftablesRules> {
  private readonly runner: CommandRunner;
  private readonly session: NftSession | undefined;

  constructor(options: NftablesApplierOptions = {}) {
    this.runner = options.runner ?? spawnRunner;
    const launch = this.runner.launch;
    this.session = launch
      ? new NftSession({ launch, clock: options.clock, timeoutMs: options.timeoutMs, logger: options.logger })
      : undefined;
  }

  async apply(rules: NftablesRules): Promise<void> {
    const line = this.session && !rules.full ? nftOneLine(rules.text) : undefined;
    if (this.session && line !== undefined) await this.session.run(line);
    else await runChecked(this.runner, 'nft', ['-f', '-'], rules.text);
  }

  /** `nft -c -f -`: parses and checks against the kernel without committing. */
  async check(rules: NftablesRules): Promise<void> {
    await runChecked(this.runner, 'nft', ['-c', '-f', '-'], rules.text);
  }

  /** Ends the session's `nft -i` child, if one runs, after the syncs in flight; a later sync starts another. */
  async close(): Promise<void> {
    await this.session?.close();
  }
}
