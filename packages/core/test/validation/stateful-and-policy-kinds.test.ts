import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { InvalidError } from '../../src/errors/api-errors.js';
import type { KubeObject } from '../../src/model/meta.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { expectFieldErrors } from './expect-field-errors.js';

const template = { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } };

const statefulSet = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'default' },
  spec: {
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template,
    volumeClaimTemplates: [
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ],
    ...spec,
  },
});
const pdb = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'db', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'db' } }, ...spec },
});
const ingress = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'default' },
  spec,
});
const rule = (path: Record<string, unknown>) => ({ host: 'shop.example.com', http: { paths: [path] } });
const netpol = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'db', namespace: 'default' },
  spec: { podSelector: {}, ...spec },
});
const storageClass = (fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'fast' },
  ...fields,
});
const crd = (spec: Record<string, unknown>, name = 'widgets.example.com'): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    ...spec,
  },
});

async function errorsOf(obj: KubeObject): Promise<string[]> {
  const api = new Api({ store: new MemoryStore() });
  try {
    await api.apply(obj);
    return [];
  } catch (err) {
    if (err instanceof InvalidError) return err.fields.map((f) => `${f.field}: ${f.message}`);
    throw err;
  } finally {
    await api.close();
  }
}

describe('the kinds real manifests use, through the Api', () => {
  it.each<[string, KubeObject, string[]]>([
    ['a StatefulSet with a claim template', statefulSet(), []],
    [
      'a StatefulSet mounting its claim template',
      statefulSet({
        template: {
          ...template,
          spec: { containers: [{ ...template.spec.containers[0], volumeMounts: [{ name: 'data', mountPath: '/d' }] }] },
        },
      }),
      [],
    ],
    [
      'a StatefulSet mounting a volume that is neither a claim template nor a pod volume',
      statefulSet({
        template: {
          ...template,
          spec: { containers: [{ ...template.spec.containers[0], volumeMounts: [{ name: 'logs', mountPath: '/l' }] }] },
        },
      }),
      ['spec.template.spec.containers[0].volumeMounts[0].name: Not found: "logs"'],
    ],
    [
      'a StatefulSet with an unknown pod management policy',
      statefulSet({ podManagementPolicy: 'Random' }),
      ['spec.podManagementPolicy: Unsupported value: "Random"'],
    ],
    [
      'a StatefulSet with a negative partition',
      statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }),
      ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'a StatefulSet with maxUnavailable 0',
      statefulSet({ updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } }),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: must be greater than 0'],
    ],
    [
      'OnDelete with rollingUpdate',
      statefulSet({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }),
      ['spec.updateStrategy.rollingUpdate: Forbidden'],
    ],
    [
      'a claim template without storage',
      statefulSet({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] }),
      ['spec.volumeClaimTemplates[0].spec.resources[storage]: Required value'],
    ],
    [
      'a bad retention policy',
      statefulSet({ persistentVolumeClaimRetentionPolicy: { whenScaled: 'Keep' } }),
      ['spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep"'],
    ],
    ['a PDB with minAvailable', pdb({ minAvailable: 2 }), []],
    ['a PDB with a percentage', pdb({ maxUnavailable: '25%' }), []],
    [
      'a PDB with both bounds',
      pdb({ minAvailable: 1, maxUnavailable: 1 }),
      ['spec: Forbidden: minAvailable and maxUnavailable cannot be both set'],
    ],
    [
      'a PDB over 100%',
      pdb({ minAvailable: '120%' }),
      ['spec.minAvailable: Invalid value: "120%": must not be greater than 100%'],
    ],
    [
      'a PDB with an unknown unhealthy-pod policy',
      pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' }),
      ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never"'],
    ],
    [
      'an Ingress with a prefix path',
      ingress({
        rules: [rule({ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } })],
      }),
      [],
    ],
    [
      'an empty Ingress',
      ingress({}),
      ['spec: Invalid value: "": either `defaultBackend` or `rules` must be specified'],
    ],
    [
      'an Ingress path without pathType',
      ingress({ rules: [rule({ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } })] }),
      ['spec.rules[0].http.paths[0].pathType: Required value'],
    ],
    [
      'a relative Prefix path',
      ingress({
        rules: [
          rule({ path: 'api', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }),
        ],
      }),
      ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'],
    ],
    [
      'a service port with name and number',
      ingress({ defaultBackend: { service: { name: 'web', port: { name: 'http', number: 80 } } } }),
      ['spec.defaultBackend.service.port: Invalid value'],
    ],
    [
      'an IP as host',
      ingress({ rules: [{ host: '10.0.0.1' }] }),
      ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
    ],
    [
      'a NetworkPolicy allowing a pod selector and an ipBlock',
      netpol({
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { app: 'web' } } },
              { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
            ],
            ports: [{ port: 5432 }],
          },
        ],
      }),
      [],
    ],
    [
      'a NetworkPolicy peer with nothing',
      netpol({ ingress: [{ from: [{}] }] }),
      ['spec.ingress[0].from[0]: Required value: must specify a peer'],
    ],
    [
      'a bad CIDR',
      netpol({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }),
      ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33"'],
    ],
    [
      'endPort below port',
      netpol({ ingress: [{ ports: [{ port: 8080, endPort: 80 }] }] }),
      ['spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`'],
    ],
    ['a StorageClass', storageClass({ provisioner: 'flotilla.dev/hostpath' }), []],
    ['a StorageClass without provisioner', storageClass({}), ['provisioner: Required value']],
    [
      'a StorageClass with an unknown binding mode',
      storageClass({ provisioner: 'x.io/y', volumeBindingMode: 'Later' }),
      ['volumeBindingMode: Unsupported value: "Later"'],
    ],
    ['a CRD', crd({}), []],
    ['a CRD named wrongly', crd({}, 'gadgets.example.com'), ['metadata.name: Invalid value: "gadgets.example.com"']],
    [
      'a CRD with two storage versions',
      crd({
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
          { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      }),
      ['spec.versions: Invalid value: 2: must have exactly one version marked as storage version'],
    ],
    [
      'a CRD version without a schema',
      crd({ versions: [{ name: 'v1', served: true, storage: true }] }),
      ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required'],
    ],
  ])('%s', async (_, obj, expected) => {
    expectFieldErrors(await errorsOf(obj), expected);
  });

  it('a CRD group without a dot is refused', async () => {
    const errs = await errorsOf({ ...crd({ group: 'example' }, 'widgets.example') });
    expectFieldErrors(errs, ['spec.group: Invalid value: "example": should be a domain with at least one dot']);
  });

  it('defaults a StatefulSet as Kubernetes does', async () => {
    const api = new Api({ store: new MemoryStore() });
    const stored = await api.apply(statefulSet());
    expect(stored.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      volumeClaimTemplates: [{ spec: { volumeMode: 'Filesystem' } }],
    });
    await api.close();
  });

  it('refuses a change to a StatefulSet field other than the mutable ones', async () => {
    const api = new Api({ store: new MemoryStore() });
    await api.apply(statefulSet());
    await expect(api.apply(statefulSet({ serviceName: 'other' }))).rejects.toThrow(
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas'",
    );
    await expect(api.apply(statefulSet({ replicas: 3 }))).resolves.toMatchObject({ spec: { replicas: 3 } });
    await api.close();
  });

  it('defaults NetworkPolicy types and ports, StorageClass policies and CRD names', async () => {
    const api = new Api({ store: new MemoryStore() });
    const np = await api.apply(netpol({ egress: [{ ports: [{ port: 53 }] }] }));
    expect(np.spec).toMatchObject({ policyTypes: ['Ingress', 'Egress'], egress: [{ ports: [{ protocol: 'TCP' }] }] });
    const sc = await api.apply(storageClass({ provisioner: 'flotilla.dev/hostpath' }));
    expect(sc).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    const c = await api.apply(crd({}));
    expect(c.spec).toMatchObject({
      names: { singular: 'widget', listKind: 'WidgetList' },
      conversion: { strategy: 'None' },
    });
    await api.close();
  });
});
