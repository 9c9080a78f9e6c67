import { IPVS_DUMMY_INTERFACE, type IpvsRules } from '../ipvs/ipvs-rules.js';
import type { Applier } from './applier.js';
import { type CommandRunner, runChecked, spawnRunner } from './command-runner.js';

/** Options for `IpvsApplier`. */
export interface IpvsApplierOptions {
  readonly runner?: CommandRunner;
}

/**
 * Creates the `kube-ipvs0` dummy interface if needed, binds the service
 * addresses to it (and unbinds the ones it bound before that are gone), and
 * feeds the rules to `ipvsadm-restore`.
 *
 * Caveats: needs a kernel with the `ip_vs` module; the development kernel
 * of this project has none, so this applier is exercised here only with a
 * recording runner (see the README).
 */
export class IpvsApplier implements Applier<IpvsRules> {
  private readonly runner: CommandRunner;
  private bound = new Set<string>();

  constructor(options: IpvsApplierOptions = {}) {
    this.runner = options.runner ?? spawnRunner;
  }

  async apply(rules: IpvsRules): Promise<void> {
    const link = await this.runner('ip', ['link', 'show', IPVS_DUMMY_INTERFACE]);
    if (link.code !== 0) await runChecked(this.runner, 'ip', ['link', 'add', IPVS_DUMMY_INTERFACE, 'type', 'dummy']);
    const wanted = new Set(rules.addresses);
    const batch = [
      ...[...this.bound].filter((ip) => !wanted.has(ip)).map((ip) => `addr del ${ip}/32 dev ${IPVS_DUMMY_INTERFACE}`),
      ...rules.addresses.map((ip) => `addr replace ${ip}/32 dev ${IPVS_DUMMY_INTERFACE}`),
    ];
    if (batch.length > 0) await runChecked(this.runner, 'ip', ['-batch', '-'], `${batch.join('\n')}\n`);
    this.bound = wanted;
    await runChecked(this.runner, 'ipvsadm-restore', [], rules.text);
  }
}
