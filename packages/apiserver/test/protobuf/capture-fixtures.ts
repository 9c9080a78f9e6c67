/**
 * Regenerates test/protobuf/fixtures from the kubectl on PATH:
 * `npx tsx packages/apiserver/test/protobuf/capture-fixtures.ts`.
 * For each command, `<name>.pb` is the body kubectl sent with
 * `--dry-run=server` (protobuf), `<name>.json` what it prints for
 * `--dry-run=client -o json` (the same object, encoded by kubectl as JSON).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { kubectlCreateCommands } from './kubectl-create-commands.js';
import { KubectlRecorder } from './kubectl-recorder.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const recorder = new KubectlRecorder();
const kubeconfig = await recorder.start();
try {
  for (const { name, args, clientDryRun } of kubectlCreateCommands) {
    const before = recorder.requests.length;
    const dryRun = args[1] === 'token' ? [] : ['--dry-run=server'];
    const sent = await recorder.kubectl(kubeconfig, args, [...dryRun, '-o', 'json']);
    const request = recorder.requests.slice(before).find((r) => r.contentType.includes('protobuf'));
    if (sent.code !== 0 || !request) throw new Error(`${name}: kubectl exited ${sent.code}: ${sent.stderr}`);
    await writeFile(`${fixtures}${name}.pb`, request.body);
    if (clientDryRun) {
      const printed = await recorder.kubectl(kubeconfig, args, ['--dry-run=client', '-o', 'json']);
      if (printed.code !== 0) throw new Error(`${name}: client dry run exited ${printed.code}: ${printed.stderr}`);
      await writeFile(`${fixtures}${name}.json`, printed.stdout);
    }
    console.log(`${name}: ${request.body.length} bytes to ${request.url}`);
  }
} finally {
  await recorder.stop();
}
