/**
 * The proxy-rules example:
 * `npx tsx examples/proxy-rules/main.ts examples/proxy-rules/sample-services.yaml --mode nftables`.
 * Prints the data-plane rules kube-proxy would load for a manifest's Services and EndpointSlices.
 */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
