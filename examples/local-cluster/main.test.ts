import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const boundMs = 100_000;

/** Runs `npm start`'s program with `args`, killing it after `boundMs`; resolves with its exit code and output. */
function runMain(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start (examples/local-cluster/main.ts as a child process)', () => {
  it(
    'runs the whole demo on its own, prints line-by-line progress and its summary, and exits 0',
    async () => {
      const { code, stdout, stderr } = await runMain(['--fast']);

      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('Step 1/8: apply manifests');
      expect(stdout).not.toContain('\x1b[');
      const summary = stdout.slice(stdout.indexOf('SUMMARY'));
      expect(summary).toContain('steps: 8 ok, 0 failed, 0 skipped');
      const steps = ['apply manifests', 'scale web to 6', 'rolling update', 'a pod deleted', 'a node lost'];
      steps.push('a service answering through the proxy', 'cluster DNS', 'autoscaling under load');
      for (const step of steps) {
        expect(summary).toMatch(new RegExp(`ok +[\\d.]+ s {2}[^\\n]*${step}`));
      }
      expect(summary).toMatch(/service requests through the proxy: \d+ answered, 0 failed/);
    },
    boundMs + 5000,
  );

  it('explains a bad option and exits 2 without starting anything', async () => {
    const { code, stderr } = await runMain(['--nodes', '1']);

    expect(code).toBe(2);
    expect(stderr).toContain('--nodes 1: expected a whole number from 2 to 50');
  }, 30_000);

  it('explains what to run when etcd does not answer', async () => {
    const { code, stderr } = await runMain(['--store', 'etcd://127.0.0.1:1']);

    expect(code).toBe(2);
    expect(stderr).toContain('etcd does not answer at http://127.0.0.1:1');
    expect(stderr).toContain('leave out --store');
  }, 30_000);
});
