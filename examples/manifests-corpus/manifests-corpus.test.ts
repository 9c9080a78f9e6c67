import { Resolver } from 'node:dns/promises';
import { fileURLToPath } from 'node:url';
import {
  type CustomResourceType,
  MemoryStore,
  type PersistentVolumeClaim,
  type Pod,
  RealClock,
  type StatefulSet,
  silentLogger,
} from '@flotilla/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster } from '../local-cluster/cluster.js';
import { waitFor } from '../local-cluster/demo/wait-for.js';
import { applyManifests, readManifests } from '../local-cluster/manifests.js';

const corpus = fileURLToPath(new URL('.', import.meta.url));
const clock = new RealClock();
const timeoutMs = 30_000;
/** Each test waits up to `timeoutMs` for the cluster; vitest's own limit must be above it. */
const testTimeoutMs = 2 * timeoutMs;

let cluster: LocalCluster;
let store: MemoryStore;

beforeAll(async () => {
  store = new MemoryStore();
  // Pod IPs in 127.3.x.x: the other example tests use 127.1 and 127.2 and may run at the same time.
  cluster = await LocalCluster.start({ store, nodes: 2, logger: silentLogger(), clock, loopbackNet: 3 });
}, testTimeoutMs);

afterAll(async () => {
  await cluster?.stop();
  await store?.close();
});

const podsOf = async (app: string) =>
  (await cluster.api.resource('Pod').list({ namespace: 'shop', labelSelector: `app=${app}` })).items.filter(
    (p) => !p.metadata.deletionTimestamp,
  );
const ready = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('a corpus of ordinary manifests applies unchanged and converges', { timeout: testTimeoutMs }, () => {
  it('applies every document of every file, in file order, with no failure', async () => {
    const { objects, failures: unreadable } = await readManifests(corpus);
    expect(unreadable).toEqual([]);
    const { applied, failures } = await applyManifests(cluster.api, objects);
    expect(failures).toEqual([]);
    expect(applied.map((o) => `${o.kind}/${o.name}`)).toEqual([
      'Namespace/shop',
      'StorageClass/manual',
      'PersistentVolume/postgres-pv-0',
      'PersistentVolume/postgres-pv-1',
      'PersistentVolume/postgres-pv-2',
      'Secret/postgres-credentials',
      'ConfigMap/postgres-config',
      'Service/postgres',
      'StatefulSet/postgres',
      'PodDisruptionBudget/postgres',
      'NetworkPolicy/postgres-allow-web',
      'CustomResourceDefinition/memcacheds.cache.example.com',
      'Memcached/memcached-sample',
      'Deployment/web',
      'Service/web',
      'IngressClass/nginx',
      'Ingress/web',
    ]);
  });

  it('runs the database StatefulSet: three ordinal pods, Ready, each with its own bound claim', async () => {
    await waitFor(
      clock,
      'three Ready postgres pods',
      async () => (await podsOf('postgres')).filter(ready).length === 3,
      timeoutMs,
    );
    const pods = (await podsOf('postgres')).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(pods.map((p) => [p.metadata.name, p.spec.hostname, p.spec.subdomain])).toEqual([
      ['postgres-0', 'postgres-0', 'postgres'],
      ['postgres-1', 'postgres-1', 'postgres'],
      ['postgres-2', 'postgres-2', 'postgres'],
    ]);
    // The manifest's octal file mode, as kubectl reads it.
    expect(pods[0]!.spec.volumes?.find((v) => v.name === 'init')?.secret?.defaultMode).toBe(0o400);
    const claims = await waitFor(
      clock,
      'three bound claims',
      async () => {
        const { items } = await cluster.api.resource<PersistentVolumeClaim>('PersistentVolumeClaim').list({
          namespace: 'shop',
        });
        return items.length === 3 && items.every((c) => c.status?.phase === 'Bound') && items;
      },
      timeoutMs,
    );
    expect(claims.map((c) => c.metadata.name).sort()).toEqual([
      'data-postgres-0',
      'data-postgres-1',
      'data-postgres-2',
    ]);
    expect(new Set(claims.map((c) => c.spec.volumeName)).size).toBe(3);
    const sts = await waitFor(
      clock,
      'StatefulSet status',
      async () => {
        const s = await cluster.api.resource<StatefulSet>('StatefulSet').get('shop', 'postgres');
        return s.status?.readyReplicas === 3 && s.status.currentRevision === s.status.updateRevision && s;
      },
      timeoutMs,
    );
    expect(sts.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 });
  });

  it('answers each database pod by its stable DNS name through the cluster DNS', async () => {
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    const { address, port } = cluster.dnsAddress;
    resolver.setServers([`${address}:${port}`]);
    for (const ordinal of [0, 1, 2]) {
      const pod = await cluster.api.resource('Pod').get('shop', `postgres-${ordinal}`);
      const name = `postgres-${ordinal}.postgres.shop.svc.cluster.local`;
      const addresses = await waitFor(
        clock,
        `${name} resolving to ${pod.status?.podIP}`,
        async () => {
          const found = await resolver.resolve4(name).catch((): string[] => []);
          return found.includes(pod.status?.podIP ?? '') && found;
        },
        timeoutMs,
      );
      expect(addresses).toEqual([pod.status?.podIP]);
    }
  });

  it('keeps the disruption budget: two of three must stay, so one disruption is allowed', async () => {
    const pdb = await waitFor(
      clock,
      'PDB status',
      async () => {
        const b = await cluster.api.resource('PodDisruptionBudget').get('shop', 'postgres');
        return b.status?.currentHealthy === 3 && b;
      },
      timeoutMs,
    );
    expect(pdb.status).toMatchObject({ expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
  });

  it("serves the operator's kind from its CRD: the custom resource defaulted, with its printer columns", async () => {
    const mc = await cluster.api.resource('Memcached').get('shop', 'memcached-sample');
    expect(mc.spec).toEqual({ size: 3, containerPort: 11211 });
    const type = cluster.api.registry.get('Memcached') as CustomResourceType;
    expect(type.additionalPrinterColumns.map((c) => c.name)).toEqual(['Size', 'Age']);
    expect(type.shortNames).toEqual(['mc']);
  });

  it('runs the web tier and stores the routing and network objects as written', async () => {
    await waitFor(clock, 'two Ready web pods', async () => (await podsOf('web')).filter(ready).length === 2, timeoutMs);
    const ingress = await cluster.api.resource('Ingress').get('shop', 'web');
    expect(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service).toEqual({ name: 'web', port: { number: 80 } });
    const policy = await cluster.api.resource('NetworkPolicy').get('shop', 'postgres-allow-web');
    expect(policy.spec.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
  });
});
