import { describe, expect, it } from 'vitest';
import { defaultPod } from '../../src/defaulting/pod.js';
import type { Container, Pod, PodSpec } from '../../src/model/core-v1.js';
import { validatePod } from '../../src/validation/pod.js';
import { expectFieldErrors } from './expect-field-errors.js';

const base = (): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'nginx:1.25',
        ports: [{ name: 'http', containerPort: 80 }],
        env: [{ name: 'MODE', value: 'prod' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
        livenessProbe: { httpGet: { port: 'http', path: '/healthz' } },
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['true'] }],
    volumes: [{ name: 'data', emptyDir: {} }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 10, preference: { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] } },
        ],
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } },
        ],
      },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'web' } },
      },
    ],
  },
});

/** A valid pod with `change` applied to its spec (or first container). */
const withSpec = (change: (spec: PodSpec, c: Container) => void): Pod => {
  const p = base();
  change(p.spec, p.spec.containers[0]!);
  return p;
};

const fieldsOf = (p: Pod, old?: Pod) => validatePod(p, old).map((e) => `${e.field}: ${e.message}`);

describe('validatePod', () => {
  it('accepts a realistic pod, before and after defaulting', () => {
    const p = base();
    expect(fieldsOf(p)).toEqual([]);
    defaultPod(p);
    expect(fieldsOf(p)).toEqual([]);
  });

  it.each<[string, (spec: PodSpec, c: Container) => void, string[]]>([
    ['no containers', (s) => (s.containers = []), ['spec.containers: Required value']],
    ['no image', (_, c) => (c.image = ''), ['spec.containers[0].image: Required value']],
    [
      'padded image',
      (_, c) => (c.image = ' nginx'),
      ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'],
    ],
    ['no container name', (_, c) => (c.name = ''), ['spec.containers[0].name: Required value']],
    [
      'a container name with a shell metacharacter',
      (_, c) => (c.name = 'a;b'),
      ['spec.containers[0].name: Invalid value: "a;b": a lowercase RFC 1123 label must consist of'],
    ],
    [
      'a name shared with an init container',
      (_, c) => (c.name = 'init'),
      ['spec.containers[0].name: Duplicate value: "init"'],
    ],
    [
      'port 0',
      (_, c) => (c.ports![0]!.containerPort = 0),
      ['spec.containers[0].ports[0].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive'],
    ],
    [
      'port 65536',
      (_, c) => (c.ports![0]!.containerPort = 65536),
      ['spec.containers[0].ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive'],
    ],
    [
      'duplicate port names',
      (_, c) => c.ports!.push({ name: 'http', containerPort: 81 }),
      ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
    ],
    [
      'a long port name',
      (_, c) => (c.ports![0]!.name = 'a-very-long-port-name'),
      ['spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters'],
    ],
    [
      'a bad protocol',
      (_, c) => (c.ports![0]!.protocol = 'ICMP' as 'TCP'),
      ['spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"'],
    ],
    [
      'a bad env name',
      (_, c) => c.env!.push({ name: '1X', value: 'y' }),
      ['spec.containers[0].env[1].name: Invalid value: "1X": a valid environment variable name must consist of'],
    ],
    [
      'an unparsable quantity',
      (_, c) => (c.resources!.requests!.cpu = 'lots'),
      [
        'spec.containers[0].resources.requests[cpu]: Invalid value: "lots": quantities must match the regular expression',
      ],
    ],
    [
      'a negative quantity',
      (_, c) => (c.resources!.limits!.memory = '-1'),
      ['spec.containers[0].resources.limits[memory]: Invalid value: "-1": must be greater than or equal to 0'],
    ],
    [
      'requests over limits',
      (_, c) => (c.resources!.requests!.cpu = '2'),
      ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    ],
    [
      'a mount of a missing volume',
      (_, c) => (c.volumeMounts![0]!.name = 'cache'),
      ['spec.containers[0].volumeMounts[0].name: Not found: "cache"'],
    ],
    [
      'a subPath escaping the volume',
      (_, c) => (c.volumeMounts![0]!.subPath = '../etc'),
      ['spec.containers[0].volumeMounts[0].subPath: Invalid value: "../etc": must be a relative path without \'..\''],
    ],
    [
      'duplicate volume names',
      (s) => s.volumes!.push({ name: 'data', emptyDir: {} }),
      ['spec.volumes[1].name: Duplicate value: "data"'],
    ],
    [
      'a volume without a source',
      (s) => s.volumes!.push({ name: 'empty' }),
      ['spec.volumes[1]: Required value: must specify a volume type'],
    ],
    [
      'a volume with two sources',
      (s) => (s.volumes![0] = { name: 'data', emptyDir: {}, hostPath: { path: '/x' } }),
      ['spec.volumes[0]: Forbidden: may not specify more than 1 volume type'],
    ],
    [
      'a probe without a handler',
      (_, c) => (c.livenessProbe = { periodSeconds: 3 }),
      ['spec.containers[0].livenessProbe: Required value: must specify a handler type'],
    ],
    [
      'a probe with two handlers',
      (_, c) => (c.readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } }),
      ['spec.containers[0].readinessProbe: Forbidden: may not specify more than 1 handler type'],
    ],
    [
      'liveness successThreshold 2',
      (_, c) => (c.livenessProbe!.successThreshold = 2),
      ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
    ],
    [
      'a bad restartPolicy',
      (s) => (s.restartPolicy = 'Sometimes' as 'Always'),
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    [
      'a bad dnsPolicy',
      (s) => (s.dnsPolicy = 'Google'),
      [
        'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
      ],
    ],
    ['a fractional priority', (s) => (s.priority = 1.5), ['spec.priority: Invalid value: 1.5: must be an integer']],
    [
      'a negative grace period',
      (s) => (s.terminationGracePeriodSeconds = -1),
      ['spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'a bad nodeName',
      (s) => (s.nodeName = '../node'),
      ['spec.nodeName: Invalid value: "../node": a lowercase RFC 1123 subdomain must consist of'],
    ],
    [
      'a bad nodeSelector value',
      (s) => (s.nodeSelector = { zone: 'a b' }),
      ['spec.nodeSelector: Invalid value: "a b": a valid label must be an empty string'],
    ],
    [
      'Exists with a value',
      (s) => (s.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]),
      ['spec.tolerations[0].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\''],
    ],
    [
      'an empty key with Equal',
      (s) => (s.tolerations = [{ operator: 'Equal', value: 'v' }]),
      ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty'],
    ],
    [
      'a bad effect',
      (s) => (s.tolerations = [{ key: 'k', operator: 'Exists', effect: 'Evict' as 'NoExecute' }]),
      [
        'spec.tolerations[0].effect: Unsupported value: "Evict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      ],
    ],
    [
      'tolerationSeconds without NoExecute',
      (s) => (s.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]),
      [
        'spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
      ],
    ],
    [
      'no node selector terms',
      (s) => (s.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms = []),
      [
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
      ],
    ],
    [
      'In without values',
      (s) =>
        (s.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0]!
          .matchExpressions![0]!.values = []),
      [
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      ],
    ],
    [
      'Gt with a non-integer',
      (s) =>
        (s.affinity!.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0]!.preference
          .matchExpressions![0]!.values = ['four']),
      [
        'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0]: Invalid value: "four": must be an integer',
      ],
    ],
    [
      'weight 0',
      (s) => (s.affinity!.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0]!.weight = 0),
      [
        'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be between 1 and 100, inclusive',
      ],
    ],
    [
      'a field selector on labels',
      (s) =>
        (s.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms = [
          { matchFields: [{ key: 'zone', operator: 'In', values: ['a'] }] },
        ]),
      [
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Unsupported value: "zone": supported values: "metadata.name"',
      ],
    ],
    [
      'an empty topologyKey',
      (s) => (s.affinity!.podAntiAffinity!.requiredDuringSchedulingIgnoredDuringExecution![0]!.topologyKey = ''),
      [
        'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
      ],
    ],
    [
      'maxSkew 0',
      (s) => (s.topologySpreadConstraints![0]!.maxSkew = 0),
      ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero'],
    ],
    [
      'a bad whenUnsatisfiable',
      (s) => (s.topologySpreadConstraints![0]!.whenUnsatisfiable = 'Maybe' as 'DoNotSchedule'),
      [
        'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
      ],
    ],
  ])('rejects %s', (_, change, expected) => {
    expectFieldErrors(fieldsOf(withSpec(change)), expected);
  });

  it('lists every bad field at once', () => {
    const p = withSpec((s, c) => {
      c.image = '';
      c.ports![0]!.containerPort = 0;
      s.restartPolicy = 'x' as 'Always';
    });
    expect(validatePod(p).map((e) => e.field)).toEqual([
      'spec.containers[0].image',
      'spec.containers[0].ports[0].containerPort',
      'spec.restartPolicy',
    ]);
  });

  it('requires a spec', () => {
    expect(validatePod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } } as Pod)).toEqual([
      { field: 'spec', message: 'Required value' },
    ]);
  });
});

describe('validatePod on update', () => {
  const stored = () => {
    const p = base();
    defaultPod(p);
    return p;
  };

  it.each<[string, (spec: PodSpec) => void]>([
    ['a new container image', (s) => (s.containers[0]!.image = 'nginx:1.26')],
    ['a new init container image', (s) => (s.initContainers![0]!.image = 'busybox:1.37')],
    ['an added toleration', (s) => s.tolerations!.push({ key: 'extra', operator: 'Exists' })],
    ['activeDeadlineSeconds set', (s) => (s.activeDeadlineSeconds = 60)],
    ['nodeName from empty to set (binding)', (s) => (s.nodeName = 'node-1')],
    // Clients such as @kubernetes/client-node send objects back with their keys in another order.
    [
      'the same tolerations with their keys in another order',
      (s) => (s.tolerations = s.tolerations!.map((t) => Object.fromEntries(Object.entries(t).reverse()))),
    ],
    [
      'the same container with its keys in another order',
      (s) => (s.containers[0] = Object.fromEntries(Object.entries(s.containers[0]!).reverse()) as never),
    ],
  ])('allows %s', (_, change) => {
    const old = stored();
    const next = structuredClone(old);
    change(next.spec);
    expect(fieldsOf(next, old)).toEqual([]);
  });

  it.each<[string, (spec: PodSpec) => void, (spec: PodSpec) => void, string]>([
    [
      'changing a set nodeName',
      (s) => (s.nodeName = 'node-1'),
      (s) => (s.nodeName = 'node-2'),
      'spec.nodeName: Forbidden: may not be changed once set',
    ],
    [
      'clearing a set nodeName',
      (s) => (s.nodeName = 'node-1'),
      (s) => delete s.nodeName,
      'spec.nodeName: Forbidden: may not be changed once set',
    ],
    [
      'raising activeDeadlineSeconds',
      (s) => (s.activeDeadlineSeconds = 60),
      (s) => (s.activeDeadlineSeconds = 120),
      'spec.activeDeadlineSeconds: Invalid value: 120: must be less than or equal to previous value',
    ],
    [
      'removing a toleration',
      () => {},
      (s) => s.tolerations!.pop(),
      'spec.tolerations: Forbidden: existing toleration can not be modified',
    ],
    [
      'changing resources',
      () => {},
      (s) => (s.containers[0]!.resources!.limits!.cpu = '2'),
      'spec: Forbidden: pod updates may not change fields other than',
    ],
    [
      'adding a container',
      () => {},
      (s) => s.containers.push({ name: 'side', image: 'x:1' }),
      'spec: Forbidden: pod updates may not change fields other than',
    ],
    [
      'changing restartPolicy',
      () => {},
      (s) => (s.restartPolicy = 'Never'),
      'spec: Forbidden: pod updates may not change fields other than',
    ],
  ])('rejects %s', (_, prepare, change, expected) => {
    const old = stored();
    prepare(old.spec);
    const next = structuredClone(old);
    change(next.spec);
    const actual = fieldsOf(next, old);
    expect(actual).toHaveLength(1);
    expect(actual[0]).toContain(expected);
  });

  it.each<[string, { subresource?: string } | undefined, string[]]>([
    ['through binding', { subresource: 'binding' }, []],
    ['when the caller cannot tell (no context)', undefined, []],
    ['through a plain update', {}, ['spec.nodeName: Forbidden: may only be set by binding the pod (api.bindPod)']],
    ['through a status write', { subresource: 'status' }, ['spec.nodeName: Forbidden: may only be set by binding']],
  ])('setting nodeName %s', (_, context, expected) => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.nodeName = 'node-1';
    expectFieldErrors(validatePod(next, old, context), expected);
  });

  it('ignores key order', () => {
    const old = stored();
    const next = structuredClone(old);
    const { containers, ...rest } = next.spec;
    next.spec = { ...rest, containers };
    expect(fieldsOf(next, old)).toEqual([]);
  });
});
