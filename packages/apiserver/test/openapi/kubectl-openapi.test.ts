import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuiltinRegistry } from '@flotilla/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiV2, openApiV3GroupVersion, openApiV3Index } from '../../src/openapi/index.js';
import { KubectlRecorder } from '../protobuf/kubectl-recorder.js';

const registry = createBuiltinRegistry();

/** Serves the documents as an apiserver would: the index, each group-version, and v2. */
function serveOpenApi(path: string): { type: string; body: unknown } | undefined {
  if (path === '/openapi/v3') return { type: 'application/json', body: openApiV3Index(registry) };
  if (path === '/openapi/v2') return { type: 'application/json', body: openApiV2(registry) };
  const gv = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!gv) return undefined;
  const document = gv[1] ? openApiV3GroupVersion(registry, '', gv[1]) : openApiV3GroupVersion(registry, gv[2], gv[3]);
  return document ? { type: 'application/json', body: document } : undefined;
}

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

// The real kubectl on PATH reading the documents from a recording server.
describe('kubectl with these OpenAPI documents', () => {
  const served = new KubectlRecorder(serveOpenApi);
  const bare = new KubectlRecorder();
  let kubeconfig = '';
  let bareKubeconfig = '';
  const file = join(tmpdir(), `flotilla-openapi-${process.pid}.yaml`);

  beforeAll(async () => {
    kubeconfig = await served.start();
    bareKubeconfig = await bare.start();
    await writeFile(file, manifest);
  });
  afterAll(async () => {
    await served.stop();
    await bare.stop();
  });

  it('kubectl explain deployment.spec.replicas finds the kind and prints the field', async () => {
    const result = await served.kubectl(kubeconfig, ['explain', 'deployment.spec.replicas']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/KIND:\s+Deployment/);
    expect(result.stdout).toMatch(/VERSION:\s+v1/);
    expect(result.stdout).toMatch(/FIELD: replicas <integer>/);
    expect(result.stdout).toMatch(/Number of desired pods/);
  });

  it('kubectl explain lists a kind’s fields', async () => {
    const result = await served.kubectl(kubeconfig, ['explain', 'deployments.spec']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/replicas\s+<integer>/);
    expect(result.stdout).toMatch(/template\s+<Object>/);
  });

  it('kubectl create -f leaves validation to the server (fieldValidation=Strict) and succeeds', async () => {
    const before = served.requests.length;
    const result = await served.kubectl(kubeconfig, ['create', '-f', file], ['--dry-run=server']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const post = served.requests.slice(before).find((r) => r.method === 'POST');
    expect(post?.url).toContain('fieldValidation=Strict');
  });

  it('without the documents, the same kubectl create fails: the documents are what make it work', async () => {
    const result = await bare.kubectl(bareKubeconfig, ['create', '-f', file], ['--dry-run=server']);
    expect(result.code).not.toBe(0);
  });
});
