import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/fake-clock.js';
import { BadRequestError, ForbiddenError } from '../../src/errors/api-errors.js';
import { ExecCredentialSource, parseExecCredential } from '../../src/remote/exec-credential.js';
import { defaultKubeconfigPaths, loadKubeconfig } from '../../src/remote/kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dir = mkdtempSync(join(tmpdir(), 'flotilla-kubeconfig-'));
writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE');
writeFileSync(join(dir, 'token'), 'file-token\n');

/** A kubeconfig as kubectl writes one (kind, kubeadm and `kubectl config set-*` produce this shape). */
const kubeconfig = `
apiVersion: v1
kind: Config
current-context: kind-dev
clusters:
- name: kind-dev
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${b64('CA INLINE')}
- name: files
  cluster:
    server: https://files.example:6443
    certificate-authority: ca.crt
    tls-server-name: kubernetes
- name: insecure
  cluster:
    server: http://127.0.0.1:8080
    insecure-skip-tls-verify: true
users:
- name: kind-dev
  user:
    client-certificate-data: ${b64('CERT')}
    client-key-data: ${b64('KEY')}
- name: bearer
  user:
    tokenFile: token
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
      env:
      - name: AWS_PROFILE
        value: prod
contexts:
- name: kind-dev
  context: { cluster: kind-dev, user: kind-dev }
- name: files
  context: { cluster: files, user: bearer, namespace: team-a }
- name: plugin
  context: { cluster: insecure, user: plugin }
- name: broken
  context: { cluster: nowhere, user: kind-dev }
`;
const path = join(dir, 'config');
writeFileSync(path, kubeconfig);

describe('loadKubeconfig: a context resolved as client-go resolves it', () => {
  it.each([
    {
      context: undefined,
      expected: { server: 'https://127.0.0.1:6443', ca: 'CA INLINE', cert: 'CERT', key: 'KEY' },
    },
    {
      context: 'files',
      expected: {
        server: 'https://files.example:6443',
        namespace: 'team-a',
        ca: 'CA FROM FILE',
        token: 'file-token',
        tlsServerName: 'kubernetes',
      },
    },
    {
      context: 'plugin',
      expected: {
        server: 'http://127.0.0.1:8080',
        insecureSkipTlsVerify: true,
        exec: {
          command: 'aws',
          args: ['eks', 'get-token', '--cluster-name', 'prod'],
          env: { AWS_PROFILE: 'prod' },
          apiVersion: 'client.authentication.k8s.io/v1',
        },
      },
    },
  ])('context $context (files relative to the kubeconfig)', ({ context, expected }) => {
    expect(loadKubeconfig({ paths: [path], context })).toEqual(expected);
  });

  it('merges several files first-wins, skipping missing ones, as $KUBECONFIG', () => {
    const override = join(dir, 'override');
    writeFileSync(
      override,
      'current-context: files\nclusters:\n- name: files\n  cluster: { server: https://override:6443 }\n',
    );
    const creds = loadKubeconfig({ paths: [join(dir, 'missing'), override, path] });
    expect(creds.server).toBe('https://override:6443');
    expect(creds.token).toBe('file-token');
  });

  it.each([
    { context: 'nope', error: 'contexts["nope"]: Not found' },
    { context: 'broken', error: 'clusters["nowhere"]: Not found' },
  ])('names the missing entry: $error', ({ context, error }) => {
    expect(() => loadKubeconfig({ paths: [path], context })).toThrow(BadRequestError);
    expect(() => loadKubeconfig({ paths: [path], context })).toThrow(error);
  });

  it('refuses when no file exists', () => {
    expect(() => loadKubeconfig({ paths: [join(dir, 'none')] })).toThrow(/no kubeconfig found/);
  });

  it('finds $KUBECONFIG paths, else ~/.kube/config', () => {
    expect(defaultKubeconfigPaths({ KUBECONFIG: '/a:/b' }, '/home/u')).toEqual(['/a', '/b']);
    expect(defaultKubeconfigPaths({}, '/home/u')).toEqual(['/home/u/.kube/config']);
  });
});

describe('exec credential plugins', () => {
  /** A plugin that answers with a token naming how often it ran and what KUBERNETES_EXEC_INFO said. */
  const plugin = join(dir, 'plugin.mjs');
  writeFileSync(
    plugin,
    `import { readFileSync, writeFileSync } from 'node:fs';
const counter = process.argv[2];
let n = 0; try { n = Number(readFileSync(counter, 'utf8')); } catch {}
writeFileSync(counter, String(n + 1));
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token: 'run-' + (n + 1) + '-' + info.spec.interactive + '-' + process.env.EXTRA, expirationTimestamp: process.argv[3] } }));`,
  );

  it('runs the program with its argument array and env, caches until expiry, runs again after invalidate', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const source = new ExecCredentialSource(
      {
        command: process.execPath,
        args: [plugin, join(dir, 'count'), '2026-01-01T00:10:00Z'],
        env: { EXTRA: 'x y' },
        apiVersion: 'client.authentication.k8s.io/v1',
      },
      clock,
    );
    expect((await source.credential()).token).toBe('run-1-false-x y');
    expect((await source.credential()).token).toBe('run-1-false-x y');
    await clock.step(10 * 60_000);
    expect((await source.credential()).token).toBe('run-2-false-x y');
    source.invalidate();
    expect((await source.credential()).token).toBe('run-3-false-x y');
  });

  it.each([
    { stdout: 'not json', error: /printed no JSON/ },
    {
      stdout: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential' }),
      error: /apiVersion/,
    },
    {
      stdout: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {} }),
      error: /neither/,
    },
  ])('refuses a bad answer: $error', ({ stdout, error }) => {
    const run = () => parseExecCredential(stdout, { command: 'p', apiVersion: 'client.authentication.k8s.io/v1' });
    expect(run).toThrow(ForbiddenError);
    expect(run).toThrow(error);
  });
});
