import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PROXY_MODES, type ProxyMode, renderRules } from './proxy-rules.js';

/** Where the CLI writes: the process's streams in `main.ts`, buffers in tests. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `usage: proxy-rules <manifest.yaml> [--mode iptables|nftables|ipvs] [--node-name NAME] [--node-ip IP]... [--cluster-cidr CIDR]`;

function isMode(value: string): value is ProxyMode {
  return (PROXY_MODES as readonly string[]).includes(value);
}

/**
 * The proxy-rules command: reads a manifest, prints the rules for one mode
 * on `out` and notes (ignored objects, IPVS addresses) on `err`. Returns the
 * exit code: 0 done, 1 the manifest could not be turned into rules, 2 bad
 * usage.
 */
export async function runCli(argv: string[], io: CliOutput): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  const { manifest, mode, node } = parsed;
  try {
    const rules = renderRules(await readFile(manifest, 'utf8'), mode, node);
    io.out(rules.text.endsWith('\n') ? rules.text : `${rules.text}\n`);
    if (rules.addresses.length > 0) io.err(`# bind on kube-ipvs0: ${rules.addresses.join(' ')}\n`);
    if (rules.ignored.length > 0) io.err(`# ignored (not Services or EndpointSlices): ${rules.ignored.join(', ')}\n`);
    return 0;
  } catch (err) {
    io.err(`${manifest}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mode: { type: 'string', default: 'iptables' },
      'node-name': { type: 'string', default: 'node-1' },
      'node-ip': { type: 'string', multiple: true },
      'cluster-cidr': { type: 'string' },
    },
  });
  const [manifest, ...extra] = positionals;
  if (!manifest || extra.length > 0) throw new Error('give exactly one manifest file');
  if (!isMode(values.mode))
    throw new Error(`unknown --mode ${JSON.stringify(values.mode)}; choose ${PROXY_MODES.join(', ')}`);
  return {
    manifest,
    mode: values.mode,
    node: {
      nodeName: values['node-name'],
      nodeIPs: values['node-ip'] ?? ['198.18.0.1'],
      ...(values['cluster-cidr'] && { clusterCIDR: values['cluster-cidr'] }),
    },
  };
}
