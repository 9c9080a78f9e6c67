import type { Clock, InformerFactory, Logger } from '@flotilla/core';
import {
  type CommandRunner,
  IptablesApplier,
  inNetworkNamespace,
  NftablesApplier,
  Proxier,
  runChecked,
  spawnRunner,
} from '@flotilla/netproxy';

/** Which kernel data plane to program. */
export type KernelProxyMode = 'iptables' | 'nftables';

/**
 * kube-proxy's kernel mode beside the userspace proxy: a `Proxier` that
 * keeps iptables or nftables rules for every Service in step, inside a
 * network namespace of its own (so the host's rules are never touched),
 * created on start and deleted on stop. Needs root.
 *
 * Caveats: the namespace holds the rules only; the simulated pods live on
 * the host's loopback, so traffic is not routed through these rules. Read
 * them with `rules()`.
 */
export class KernelProxy {
  readonly namespace = `flotilla-local-${process.pid}`;
  private readonly inside: CommandRunner;
  private proxier?: Proxier;
  private iptables?: IptablesApplier;

  constructor(
    readonly mode: KernelProxyMode,
    private readonly options: { informers: InformerFactory; clock: Clock; logger: Logger },
  ) {
    this.inside = inNetworkNamespace(this.namespace);
  }

  /** Creates the namespace and starts syncing rules into it. */
  async start(): Promise<void> {
    await runChecked(spawnRunner, 'ip', ['netns', 'add', this.namespace]);
    await runChecked(this.inside, 'ip', ['link', 'set', 'lo', 'up']);
    const common = {
      informers: this.options.informers,
      clock: this.options.clock,
      logger: this.options.logger,
      nodeName: 'local',
      nodeIPs: ['127.0.0.1'],
      minSyncIntervalMs: 250,
    };
    if (this.mode === 'iptables') {
      this.iptables = new IptablesApplier({ runner: this.inside });
      this.proxier = new Proxier({ ...common, mode: 'iptables', applier: this.iptables });
    } else {
      this.proxier = new Proxier({
        ...common,
        mode: 'nftables',
        applier: new NftablesApplier({ runner: this.inside }),
      });
    }
    await this.proxier.start();
  }

  /** Syncs now and returns the rules the kernel holds in the namespace (`iptables-<backend>-save -t nat` or `nft list ruleset`). */
  async rules(): Promise<string> {
    await this.proxier?.syncNow();
    if (!this.iptables) return (await runChecked(this.inside, 'nft', ['list', 'ruleset'])).stdout;
    const backend = await this.iptables.resolveBackend();
    return (await runChecked(this.inside, `iptables-${backend}-save`, ['-t', 'nat'])).stdout;
  }

  /** Stops syncing (ending the applier's long-lived `nft -i`, if any) and deletes the namespace with its rules. */
  async stop(): Promise<void> {
    await this.proxier?.stop();
    await runChecked(spawnRunner, 'ip', ['netns', 'delete', this.namespace]).catch((err: unknown) =>
      this.options.logger.warn({ err, namespace: this.namespace }, 'could not delete the network namespace'),
    );
  }
}
