import { describe, expect, it } from 'vitest';
import { admitPodDefaults, defaultImagePullPolicy, defaultPod, defaultPodSpec } from '../../src/defaulting/pod.js';
import type { Pod, PodSpec, Toleration } from '../../src/model/core-v1.js';

const pod = (spec: Partial<PodSpec> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec },
});

const notReady: Toleration = {
  key: 'node.kubernetes.io/not-ready',
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: 300,
};
const unreachable: Toleration = { ...notReady, key: 'node.kubernetes.io/unreachable' };

describe('defaultImagePullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry.local:5000/team/nginx', 'Always'],
    ['registry.local:5000/team/nginx:2', 'IfNotPresent'],
    ['nginx@sha256:0123abcd', 'IfNotPresent'],
    ['nginx:latest@sha256:0123abcd', 'IfNotPresent'],
  ])('%s -> %s', (image, policy) => {
    expect(defaultImagePullPolicy(image)).toBe(policy);
  });
});

describe('defaultPod', () => {
  it('fills in every Kubernetes default', () => {
    const p = pod({
      containers: [
        {
          name: 'app',
          image: 'nginx',
          ports: [{ containerPort: 80 }],
          livenessProbe: { httpGet: { port: 80 } },
          readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
        },
      ],
      initContainers: [{ name: 'init', image: 'busybox:1.36' }],
    });
    defaultPod(p);
    expect(p.spec).toEqual({
      containers: [
        {
          name: 'app',
          image: 'nginx',
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          livenessProbe: {
            httpGet: { port: 80, path: '/', scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          readinessProbe: {
            tcpSocket: { port: 80 },
            timeoutSeconds: 1,
            periodSeconds: 5,
            successThreshold: 1,
            failureThreshold: 3,
          },
        },
      ],
      initContainers: [
        {
          name: 'init',
          image: 'busybox:1.36',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
    });
    expect(p.status).toEqual({ phase: 'Pending' });
  });

  it('leaves what admission adds to admitPodDefaults', () => {
    const p = pod();
    defaultPod(p);
    expect(p.spec.serviceAccountName).toBeUndefined();
    expect(p.spec.tolerations).toBeUndefined();
    admitPodDefaults(p);
    expect(p.spec.serviceAccountName).toBe('default');
    expect(p.spec.tolerations).toEqual([notReady, unreachable]);
  });

  it('never overwrites explicit values', () => {
    const p = pod({
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      dnsPolicy: 'Default',
      schedulerName: 'mine',
      enableServiceLinks: false,
      serviceAccountName: 'robot',
      priority: 1000,
      containers: [{ name: 'app', image: 'nginx', imagePullPolicy: 'Never', terminationMessagePath: '/x' }],
    });
    const before = structuredClone(p.spec);
    defaultPod(p);
    admitPodDefaults(p);
    expect(p.spec).toEqual({ ...before, tolerations: [notReady, unreachable] });
  });

  it.each<[string, Toleration[], Toleration[]]>([
    ['none', [], [notReady, unreachable]],
    [
      'not-ready already tolerated (kept as given)',
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
      [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
        unreachable,
      ],
    ],
    ['a wildcard toleration covers both', [{ operator: 'Exists' }], [{ operator: 'Exists' }]],
    [
      'an empty effect covers NoExecute',
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }],
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, notReady],
    ],
    [
      'a NoSchedule toleration does not',
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }],
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }, notReady, unreachable],
    ],
  ])('admitPodDefaults: DefaultTolerationSeconds with %s', (_, given, expected) => {
    const p = pod({ tolerations: given });
    admitPodDefaults(p);
    expect(p.spec.tolerations).toEqual(expected);
  });

  it('is idempotent', () => {
    const once = pod({ containers: [{ name: 'a', image: 'x', livenessProbe: { exec: { command: ['true'] } } }] });
    defaultPod(once);
    admitPodDefaults(once);
    const twice = structuredClone(once);
    defaultPod(twice);
    admitPodDefaults(twice);
    expect(twice).toEqual(once);
  });

  it('leaves templates without admission defaults', () => {
    const spec: PodSpec = { containers: [{ name: 'a', image: 'x:1' }] };
    defaultPodSpec(spec);
    expect(spec.tolerations).toBeUndefined();
    expect(spec.serviceAccountName).toBeUndefined();
    expect(spec.priority).toBeUndefined();
    expect(spec.restartPolicy).toBe('Always');
  });
});
