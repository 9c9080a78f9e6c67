import { setMaxListeners } from 'node:events';
import { startControllerManager } from '@flotilla/controllers';
import { type Deployment, InformerFactory, Manager, type Pod, RemoteApi, type Service } from '@flotilla/core';
import { type IptablesRules, Proxier } from '@flotilla/netproxy';
import { FakeRuntime, NodeAgent } from '@flotilla/runtime';
import { Scheduler } from '@flotilla/scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveApi } from './served-api.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const labels = { app: 'web' };

const deployment: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 3,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
    },
  },
};

// A fixed ClusterIP: the apiserver of this test runs no allocator (the controller manager over a RemoteApi cannot add one).
const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { clusterIP: '10.96.0.10', selector: labels, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
};

/** The DNAT targets of the last applied text that wrote `default/web`'s chains (a partial sync rewrites a changed service whole). */
function webEndpoints(applied: readonly IptablesRules[]): string[] {
  const last = applied.findLast((r) => r.text.includes('"default/web'));
  if (!last) return [];
  return [...last.text.matchAll(/--to-destination (\S+)/g)].map((m) => m[1] ?? '').sort();
}

describe('every component on a RemoteApi, as separate processes would run them', () => {
  it(
    'the controller manager, scheduler, node agent and proxier, each on its own RemoteApi, run a Deployment behind a Service',
    { timeout: 180_000 },
    async () => {
      const served = await serveApi();
      cleanups.push(() => served.close());
      const { api, url } = served;
      const abort = new AbortController();
      setMaxListeners(0, abort.signal);
      const { signal } = abort;
      // Each component knows only the server's URL, through a client of its own (kube-controller-manager's QPS).
      const connect = () => {
        const remote = new RemoteApi({ server: url, qps: 20, burst: 30 });
        cleanups.push(() => remote.close());
        return remote;
      };

      const agent = new NodeAgent({
        api: connect(),
        runtime: new FakeRuntime({ podCIDR: '10.244.1.0/24' }),
        nodeName: 'node-1',
        podCIDR: '10.244.1.0/24',
        hostIP: '127.0.0.1',
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      });
      const agentRun = agent.run(signal);
      cleanups.push(() => agentRun);
      await vi.waitFor(
        async () => expect((await api.resource('Node').get('node-1')).status?.conditions).toBeDefined(),
        {
          timeout: 30_000,
        },
      );

      const controllerManager = new Manager({ api: connect() });
      startControllerManager(controllerManager);
      const schedulerManager = new Manager({ api: connect() });
      const scheduler = new Scheduler({ api: schedulerManager.api, informers: schedulerManager.informers });
      schedulerManager.add({ start: (leading) => scheduler.run(leading) });
      const proxyInformers = new InformerFactory(connect());
      const applied: IptablesRules[] = [];
      const proxier = new Proxier({
        mode: 'iptables',
        applier: { apply: async (rules) => void applied.push(rules) },
        informers: proxyInformers,
        nodeName: 'node-1',
        nodeIPs: ['127.0.0.1'],
        minSyncIntervalMs: 100,
      });
      cleanups.push(async () => {
        abort.abort();
        await Promise.all([controllerManager.stopped, schedulerManager.stopped, proxier.stopped]);
      });
      proxyInformers.start(signal);
      await Promise.all([controllerManager.start(signal), schedulerManager.start(signal), proxier.start(signal)]);

      await api.resource('Service').create(service);
      await api.resource('Deployment').create(deployment);

      const running = await vi.waitFor(
        async () => {
          const pods = (await api.resource('Pod').list({ namespace: 'default', labelSelector: 'app=web' })).items;
          const ready = pods.filter(
            (p: Pod) =>
              p.status?.phase === 'Running' &&
              p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          );
          expect(ready.map((p) => p.spec.nodeName)).toEqual(['node-1', 'node-1', 'node-1']);
          return ready;
        },
        { timeout: 60_000, interval: 200 },
      );
      await vi.waitFor(
        async () => expect((await api.resource('Deployment').get('default', 'web')).status?.readyReplicas).toBe(3),
        { timeout: 30_000, interval: 200 },
      );
      const podEndpoints = running.map((p) => `${p.status?.podIP}:8080`).sort();
      await vi.waitFor(() => expect(webEndpoints(applied)).toEqual(podEndpoints), { timeout: 30_000, interval: 100 });
    },
  );
});
