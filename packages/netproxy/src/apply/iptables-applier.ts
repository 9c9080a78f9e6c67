import type { IptablesRules } from '../iptables/iptables-rules.js';
import type { CheckingApplier } from './applier.js';
import { type CommandRunner, runChecked, spawnRunner } from './command-runner.js';

/** Which iptables implementation holds the rules: the legacy x_tables one or the nf_tables-backed one. */
export type IptablesBackend = 'legacy' | 'nft';

/** Options for `IptablesApplier`. */
export interface IptablesApplierOptions {
  /** Default: detected with `detectIptablesBackend` on first use. */
  readonly backend?: IptablesBackend;
  /** Default: spawn on the host. Use `inNetworkNamespace(ns)` to apply inside a namespace. */
  readonly runner?: CommandRunner;
}

const binary = (backend: IptablesBackend, tool: 'iptables' | 'iptables-restore' | 'iptables-save') =>
  tool.replace('iptables', `iptables-${backend}`);

/**
 * Chooses the backend as kube-proxy's iptables wrapper does: the one whose
 * saved ruleset already holds KUBE- chains, else the one with more rules,
 * else nft (the default of current distributions).
 */
export async function detectIptablesBackend(runner: CommandRunner = spawnRunner): Promise<IptablesBackend> {
  const score = async (backend: IptablesBackend) => {
    const result = await runner(binary(backend, 'iptables-save'), []).catch(() => undefined);
    if (!result || result.code !== 0) return { kube: 0, rules: -1 };
    const lines = result.stdout.split('\n');
    return {
      kube: lines.filter((l) => l.startsWith(':KUBE-')).length,
      rules: lines.filter((l) => l.startsWith('-A ')).length,
    };
  };
  const [legacy, nft] = await Promise.all([score('legacy'), score('nft')]);
  if (legacy.kube !== nft.kube) return legacy.kube > nft.kube ? 'legacy' : 'nft';
  return legacy.rules > nft.rules ? 'legacy' : 'nft';
}

/** An iptables applier that can say which nat chains the kernel holds, so a full sync can delete leftovers. */
export interface NatChainLister {
  /** The names of the chains in the nat table, as `iptables-save -t nat` lists them. */
  listNatChains(): Promise<readonly string[]>;
}

/**
 * Feeds `iptablesRules` output to `iptables-<backend>-restore --noflush
 * --wait` on stdin, then makes sure the jumps from the built-in chains
 * exist (`-C`, and `-I` only when missing, so they are never duplicated).
 */
export class IptablesApplier implements CheckingApplier<IptablesRules>, NatChainLister {
  private backend: IptablesBackend | undefined;
  private readonly runner: CommandRunner;

  constructor(options: IptablesApplierOptions = {}) {
    this.backend = options.backend;
    this.runner = options.runner ?? spawnRunner;
  }

  /** The backend in use (detected on first use unless given). */
  async resolveBackend(): Promise<IptablesBackend> {
    this.backend ??= await detectIptablesBackend(this.runner);
    return this.backend;
  }

  async apply(rules: IptablesRules): Promise<void> {
    const backend = await this.resolveBackend();
    await runChecked(this.runner, binary(backend, 'iptables-restore'), ['--noflush', '--wait'], rules.text);
    if (!rules.full) return;
    for (const jump of rules.jumps) {
      const tool = binary(backend, 'iptables');
      const rule = ['--wait', '-t', jump.table];
      const exists = await this.runner(tool, [...rule, '-C', jump.chain, ...jump.rule]);
      if (exists.code !== 0) await runChecked(this.runner, tool, [...rule, '-I', jump.chain, ...jump.rule]);
    }
  }

  /**
   * `iptables-<backend>-save -t nat`, reduced to its chain names: pass them
   * to `iptablesRules` as `existingChains` on a full sync (the Proxier does)
   * so that chains an earlier process wrote and no service owns are deleted.
   */
  async listNatChains(): Promise<readonly string[]> {
    const backend = await this.resolveBackend();
    const saved = await runChecked(this.runner, binary(backend, 'iptables-save'), ['-t', 'nat']);
    // Chain lines read `:<name> <policy> [<packets>:<bytes>]`.
    return saved.stdout
      .split('\n')
      .filter((line) => line.startsWith(':'))
      .map((line) => line.slice(1).split(' ')[0]);
  }

  /** `iptables-restore --test`: parses and validates against the kernel without committing. */
  async check(rules: IptablesRules): Promise<void> {
    const backend = await this.resolveBackend();
    await runChecked(this.runner, binary(backend, 'iptables-restore'), ['--noflush', '--wait', '--test'], rules.text);
  }
}
