import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from '../../src/protobuf/index.js';
import { KubectlRecorder } from './kubectl-recorder.js';

// The real kubectl on PATH, against a recording server: what it sends now
// must decode, not only the fixtures captured once.
/** The CronJob `kubectl create job --from=cronjob/nightly` reads before it posts its Job. */
const nightly = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'nightly', namespace: 'default', uid: 'c-1' },
  spec: {
    schedule: '0 3 * * *',
    jobTemplate: {
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'c',
                image: 'busybox',
                env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              },
            ],
          },
        },
      },
    },
  },
};

describe('decodeProtobufObject on bodies the kubectl on PATH sends now', () => {
  const recorder = new KubectlRecorder((path) =>
    path.endsWith('/cronjobs/nightly') ? { type: 'application/json', body: nightly } : undefined,
  );
  let kubeconfig = '';

  beforeAll(async () => {
    console.log(`kubectl: ${execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).split('\n')[0]}`);
    kubeconfig = await recorder.start();
  });
  afterAll(() => recorder.stop());

  async function sent(args: string[], extra: string[] = ['--dry-run=server', '-o', 'json']) {
    const before = recorder.requests.length;
    const result = await recorder.kubectl(kubeconfig, args, extra);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const request = recorder.requests.slice(before).find((r) => r.method === 'POST');
    expect(request?.contentType).toBe(PROTOBUF_CONTENT_TYPE);
    return decodeProtobufObject(request?.body ?? new Uint8Array());
  }

  it('kubectl create configmap', async () => {
    expect(await sent(['create', 'configmap', 'x', '--from-literal=a=b'])).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { a: 'b' },
    });
  });

  it('kubectl create deployment', async () => {
    const deployment = await sent(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=0', '--port=8080']);
    expect(deployment).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }] } },
      },
    });
  });

  it('kubectl autoscale', async () => {
    expect(await sent(['autoscale', 'deployment', 'web', '--min=1', '--max=3'])).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
        minReplicas: 1,
        maxReplicas: 3,
      },
    });
  });

  it('kubectl create job --from=cronjob (owner reference, annotation, env valueFrom)', async () => {
    expect(await sent(['create', 'job', 'manual-1', '--from=cronjob/nightly'])).toMatchObject({
      kind: 'Job',
      metadata: {
        name: 'manual-1',
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [{ kind: 'CronJob', name: 'nightly', uid: 'c-1', apiVersion: 'batch/v1', controller: true }],
      },
      spec: {
        backoffLimit: 2,
        template: {
          spec: { containers: [{ env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] },
        },
      },
    });
  });

  it('kubectl create secret generic (bytes as base64)', async () => {
    expect(await sent(['create', 'secret', 'generic', 's', '--from-literal=password=hunter2'])).toMatchObject({
      kind: 'Secret',
      data: { password: Buffer.from('hunter2').toString('base64') },
    });
  });
});
