import type { NftablesRules } from '../nftables/nftables-rules.js';
import type { CheckingApplier } from './applier.js';
import { type CommandRunner, runChecked, spawnRunner } from './command-runner.js';

/** Options for `NftablesApplier`. */
export interface NftablesApplierOptions {
  /** Default: spawn on the host. Use `inNetworkNamespace(ns)` to apply inside a namespace. */
  readonly runner?: CommandRunner;
}

/** Feeds `nftablesRules` output to `nft -f -` on stdin: one atomic transaction per sync. */
export class NftablesApplier implements CheckingApplier<NftablesRules> {
  private readonly runner: CommandRunner;

  constructor(options: NftablesApplierOptions = {}) {
    this.runner = options.runner ?? spawnRunner;
  }

  async apply(rules: NftablesRules): Promise<void> {
    await runChecked(this.runner, 'nft', ['-f', '-'], rules.text);
  }

  /** `nft -c -f -`: parses and checks against the kernel without committing. */
  async check(rules: NftablesRules): Promise<void> {
    await runChecked(this.runner, 'nft', ['-c', '-f', '-'], rules.text);
  }
}
