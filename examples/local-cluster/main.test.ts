import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

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

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

/** A temporary directory holding `files` (name -> text), removed after the tests. */
async function manifestDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-manifests-'));
  scratch.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
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

  it(
    'applies your own manifests, follows each workload to its expected state, skips the walkthrough, exits 0',
    async () => {
      const dir = await manifestDir({
        // A Job as users write them: a shell command that FakeRuntime simulates, after an init container.
        'job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: hello
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: wait
          image: busybox:1.36
          command: ["sh", "-c", "echo waiting for the database && sleep 1"]
      containers:
        - name: hello
          image: busybox:1.36
          command: ["sh", "-c", "echo hi; exit 0"]
`,
        // Ordinal by ordinal: each pod must be ready (its port answers) before the next is made.
        'db.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: db
          image: postgres:16
          ports: [{ containerPort: 5432 }]
          readinessProbe: { tcpSocket: { port: 5432 }, periodSeconds: 1 }
`,
        // No namespace (kubectl's default), an image FakeRuntime has no script for: a server on its port.
        'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: 2
  selector: { matchLabels: { app: nginx } }
  template:
    metadata: { labels: { app: nginx } }
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports: [{ containerPort: 80 }]
          readinessProbe: { httpGet: { path: /, port: 80 }, periodSeconds: 1 }
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: { mode: demo }
`,
      });
      const { code, stdout, stderr } = await runMain(['--fast', '--manifests', dir]);

      expect(stderr).toBe('');
      expect(stdout).toContain(
        'The walkthrough (scale, rolling update, healing, service, DNS, autoscaling) runs on the bundled demo only',
      );
      expect(stdout).toContain('progress [####################] job/hello: job "hello" completed: 1 succeeded');
      expect(stdout).toContain('converged deployment/nginx: deployment "nginx" successfully rolled out');
      expect(stdout).toContain('progress [#######.............] statefulset/db: Waiting for 2 pods to be ready...');
      expect(stdout).toContain(
        'converged statefulset/db: partitioned roll out complete: 3 new pods have been updated...',
      );
      const summary = stdout.slice(stdout.indexOf('SUMMARY'));
      expect(summary).toContain('apply manifests: 4 objects applied, 0 failed to apply; 3 of 3 workloads converged');
      expect(summary).toContain('steps: 1 ok, 0 failed, 0 skipped');
      expect(code).toBe(0);
    },
    boundMs + 5000,
  );

  it(
    'reports each manifest that fails, applies the rest, and exits 1',
    async () => {
      const dir = await manifestDir({
        'a-broken.yaml': 'kind: [unclosed\n',
        'b-invalid.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: no-image
spec:
  containers: [{ name: c }]
`,
        'c-failing-job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: fails
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "echo giving up; exit 3"] }]
`,
        'd-fine.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: sleeper
spec:
  containers: [{ name: c, image: busybox:1.36, command: ["sleep", "infinity"] }]
`,
      });
      const { code, stdout } = await runMain(['--fast', '--manifests', dir]);

      expect(stdout).toMatch(/FAILED to apply a-broken\.yaml: /);
      expect(stdout).toContain('FAILED to apply Pod/no-image (b-invalid.yaml): ');
      expect(stdout).toContain('spec.containers[0].image: Required value');
      expect(stdout).toMatch(/NOT converged job\/fails: job "fails" failed: BackoffLimitExceeded/);
      expect(stdout).toContain('converged pod/sleeper: pod "sleeper" is ready');
      const summary = stdout.slice(stdout.indexOf('SUMMARY'));
      expect(summary).toContain('FAILED');
      expect(summary).toContain('2 objects applied, 2 failed to apply; 1 of 2 workloads converged');
      expect(code).toBe(1);
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
