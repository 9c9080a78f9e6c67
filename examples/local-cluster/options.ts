import { BadRequestError, parseStoreUrl, type StoreLocation } from '@flotilla/core';
import type { AuthorizationMode } from './authorization.js';

/** Which store backs the cluster: the embedded MemoryStore, etcd at these client URLs, or a FileStore directory. */
export type StoreChoice = StoreLocation;

/** Which data plane carries service traffic besides the userspace proxy. */
export type ProxyChoice = 'userspace' | 'iptables' | 'nftables';

/** Everything `npm start -- [flags]` can change. */
export interface LocalClusterOptions {
  store: StoreChoice;
  runtime: 'fake' | 'docker';
  proxy: ProxyChoice;
  nodes: number;
  /** Directory of `*.yaml` / `*.yml` / `*.json` manifests, applied in file-name order. */
  manifestsDir: string;
  /** Stay up after the demo or your manifests (until Ctrl-C) instead of exiting: `--serve` (or `--watch`). */
  watch: boolean;
  /** Shorter waits between steps (for CI and tests). */
  fast: boolean;
  /** Where logs go (JSON lines); absent = no logs. */
  logFile?: string;
  /** `RBAC`: components run under their bootstrap identities; `AlwaysAllow`: unrestricted. */
  authorization: AuthorizationMode;
}

/** The flags and what each does, printed by `--help` and after a usage error. */
export const usage = `usage: npm start -- [options]

  --store etcd://HOST:PORT[,HOST:PORT]  keep objects in etcd instead of memory
  --store file://PATH                   keep objects in a directory (FileStore): the cluster survives a restart
  --runtime docker                      run real containers (busybox) instead of simulated ones
  --proxy iptables|nftables             also program kernel rules in a network namespace (root)
  --nodes N                             number of nodes (default 3, at least 2)
  --manifests DIR                       manifests to apply (default examples/manifests)
  --log-file FILE                       write JSON logs here (default: no logs)
  --authorization AlwaysAllow|RBAC      RBAC (default): every component acts as its bootstrap user
                                        (controllers, scheduler, proxy, node agents: Node + RBAC)
  --serve                               keep the cluster up after the demo or your manifests, until Ctrl-C
                                        (--watch: the same)
  --fast                                shorter pauses between the demo's steps
  --help                                this text`;

const defaults = (manifestsDir: string): LocalClusterOptions => ({
  store: { kind: 'memory' },
  runtime: 'fake',
  proxy: 'userspace',
  nodes: 3,
  manifestsDir,
  watch: false,
  fast: false,
  authorization: 'RBAC',
});

function parseNodes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2 || n > 50) {
    throw new BadRequestError(`--nodes ${value}: expected a whole number from 2 to 50 (node loss needs a second node)`);
  }
  return n;
}

/**
 * Reads the command line (`process.argv.slice(2)`). `--flag value` and
 * `--flag=value` both work.
 *
 * @throws BadRequestError naming the flag and what it accepts; `'help'` is returned for `--help`.
 */
export function parseOptions(argv: readonly string[], defaultManifestsDir: string): LocalClusterOptions | 'help' {
  const options = defaults(defaultManifestsDir);
  const args = argv.flatMap((a) =>
    a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a],
  );
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new BadRequestError(`${flag} needs a value\n\n${usage}`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--store':
        options.store = parseStoreUrl(value(), '--store');
        break;
      case '--runtime': {
        const v = value();
        if (v !== 'docker' && v !== 'fake') throw new BadRequestError(`--runtime ${v}: expected docker or fake`);
        options.runtime = v;
        break;
      }
      case '--proxy': {
        const v = value();
        if (v !== 'iptables' && v !== 'nftables' && v !== 'userspace') {
          throw new BadRequestError(`--proxy ${v}: expected iptables, nftables or userspace`);
        }
        options.proxy = v;
        break;
      }
      case '--authorization': {
        const v = value();
        if (v !== 'RBAC' && v !== 'AlwaysAllow')
          throw new BadRequestError(`--authorization ${v}: expected RBAC or AlwaysAllow`);
        options.authorization = v;
        break;
      }
      case '--nodes':
        options.nodes = parseNodes(value());
        break;
      case '--manifests':
        options.manifestsDir = value();
        break;
      case '--log-file':
        options.logFile = value();
        break;
      case '--serve':
      case '--watch':
        options.watch = true;
        break;
      case '--fast':
        options.fast = true;
        break;
      default:
        throw new BadRequestError(`unknown option ${flag}\n\n${usage}`);
    }
  }
  return options;
}
