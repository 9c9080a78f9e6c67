import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE } from '../../../scripts/docker.js';
import { type ServedCluster, serveLocalCluster } from '../served-cluster.js';
import { Kubectl, type KubectlResult } from './kubectl.js';

/**
 * The real kubectl (the one on PATH) against a served local cluster whose
 * nodes run real containers on dockerd (`scripts/docker.ts`, the locally
 * built busybox image): logs, exec, port-forward and top go apiserver ->
 * node agent (its HTTPS API) -> DockerRuntime, and the autoscaler reads
 * `metrics.k8s.io` through the apiserver.
 *
 * Everything waits for what it can observe (a pod Running, a line printed,
 * a port announced) under generous deadlines that only bound a hang: the
 * machine may be loaded, and no timing is asserted.
 */

let served: ServedCluster;
let kubectl: Kubectl;

const DEADLINE_MS = 90_000;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined); fails with `what` and the last answer after the deadline. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${String(last)})`);
    await delay(250);
  }
}

/** `promise`, or a failure naming `what` if it has not settled within the deadline. */
async function within<T>(what: string, promise: Promise<T>, timeoutMs = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** kubectl, until it exits 0 with output `accept` takes. */
const kubectlUntil = (what: string, args: string[], accept: (r: KubectlResult) => boolean, timeoutMs?: number) =>
  until(
    what,
    async () => {
      const r = await kubectl.run(args);
      if (r.code === 0 && accept(r)) return r;
      throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${(r.stdout + r.stderr).trim()}`);
    },
    timeoutMs,
  );

/** kubectl's table as rows of cells. */
const rows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));

/** A busybox pod running `script`, with an emptyDir mounted at each of `emptyDirs` (by name). */
const pod = (name: string, script: string, emptyDirs: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'app',
          image: BUSYBOX_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', script],
          volumeMounts: Object.entries(emptyDirs).map(([volume, mountPath]) => ({ name: volume, mountPath })),
        },
      ],
      volumes: Object.keys(emptyDirs).map((volume) => ({ name: volume, emptyDir: {} })),
    },
  });

/** Serves index.html with busybox httpd (it daemonizes), prints one line, then idles. */
const TALK =
  'mkdir -p /www && echo "hello from $HOSTNAME" > /www/index.html && httpd -p 8080 -h /www && echo started && exec sleep 2147483647';
/** Exits 1 on its first run and idles on the next; the emptyDir outlives the container, so a restart sees its mark. */
const CRASH_ONCE =
  'if [ -f /mark/ran ]; then echo second run; exec sleep 2147483647; fi; touch /mark/ran; echo first run; exit 1';

beforeAll(async () => {
  served = await serveLocalCluster({ nodes: 2, loopbackNet: 15, runtime: 'docker', nodeApi: true });
  kubectl = await Kubectl.fresh(served.kubeconfig);
  expect(await kubectl.run(['apply', '-f', '-'], pod('talk', TALK))).toMatchObject({ code: 0 });
  expect(await kubectl.run(['apply', '-f', '-'], pod('crash', CRASH_ONCE, { mark: '/mark' }))).toMatchObject({
    code: 0,
  });
  await kubectlUntil('pod talk Running', ['get', 'pod', 'talk', '-o', 'jsonpath={.status.phase}'], (r) =>
    r.stdout.includes('Running'),
  );
}, 300_000);

afterAll(async () => {
  await served?.stop();
}, 120_000);

// Each test waits for up to two observable conditions under the 90 s deadline: room for both.
describe('kubectl against a cluster with Docker nodes', { timeout: 240_000 }, () => {
  it('logs prints the container log', async () => {
    const r = await kubectlUntil('talk logged started', ['logs', 'talk'], (x) => x.stdout.includes('started'));
    expect(r).toMatchObject({ code: 0, stdout: 'started\n' });
  });

  it('logs -f prints a line written after it started', async () => {
    const following = kubectl.start(['logs', '-f', 'talk']);
    try {
      await within(
        'logs -f printed started',
        following.until((line) => line === 'started'),
      );
      // Written to the container's own stdout (PID 1's), after kubectl printed what was there.
      const write = await kubectl.run(['exec', 'talk', '--', 'sh', '-c', 'echo written later > /proc/1/fd/1']);
      expect(write.code).toBe(0);
      expect(
        await within(
          'logs -f printed the later line',
          following.until((line) => line === 'written later'),
        ),
      ).toBe('written later');
      expect(following.lines).toEqual(['started', 'written later']);
      expect(following.child.exitCode).toBeNull();
    } finally {
      following.child.kill('SIGINT');
    }
  });

  it('logs --previous prints the run before the restart', async () => {
    await kubectlUntil(
      'crash restarted once and running',
      ['get', 'pod', 'crash', '-o', 'jsonpath={.status.containerStatuses[0].restartCount} {.status.phase}'],
      (r) => r.stdout === '1 Running',
    );
    expect(await kubectl.run(['logs', 'crash', '--previous'])).toMatchObject({ code: 0, stdout: 'first run\n' });
    const current = await kubectlUntil('crash logged its second run', ['logs', 'crash'], (r) => r.stdout !== '');
    expect(current).toMatchObject({ code: 0, stdout: 'second run\n' });
  });

  it("exec -- sh -c 'echo $HOSTNAME; exit 3' prints the pod's hostname and exits 3", async () => {
    const r = await kubectl.run(['exec', 'talk', '--', 'sh', '-c', 'echo $HOSTNAME; exit 3']);
    expect(r.stdout).toBe('talk\n');
    expect(r.code).toBe(3);
  });

  it('exec -i passes stdin to the command', async () => {
    const r = await kubectl.run(['exec', '-i', 'talk', '--', 'cat'], 'hello\nworld\n');
    expect(r).toMatchObject({ code: 0, stdout: 'hello\nworld\n' });
  });

  it('port-forward, then an HTTP request through it reaches httpd in the pod', async () => {
    const forward = kubectl.start(['port-forward', 'pod/talk', ':8080', '--address', '127.0.0.1']);
    try {
      const announced = await within(
        'port-forward announced its port',
        forward.until((line) => /Forwarding from 127\.0\.0\.1:\d+ -> 8080/.test(line)),
      );
      const port = /127\.0\.0\.1:(\d+)/.exec(announced)?.[1];
      const answer = await fetch(`http://127.0.0.1:${port}/`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('hello from talk\n');
    } finally {
      forward.child.kill('SIGINT');
    }
  });

  it('top pods lists each running pod’s CPU and memory', async () => {
    const r = await kubectlUntil('top pods lists talk', ['top', 'pods'], (x) => /^talk\s/m.test(x.stdout));
    const [header, ...pods] = rows(r.stdout);
    expect(header).toEqual(['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    expect(pods.find((p) => p[0] === 'talk')).toEqual([
      'talk',
      expect.stringMatching(/^\d+m$/),
      expect.stringMatching(/^\d+Mi$/),
    ]);
  });

  it('top nodes lists both nodes’ usage against their allocatable', async () => {
    const r = await kubectlUntil('top nodes lists both nodes', ['top', 'nodes'], (x) => rows(x.stdout).length === 3);
    const [header, ...nodes] = rows(r.stdout);
    expect(header).toEqual(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
    expect(nodes.map((n) => n[0]).sort()).toEqual(['node-1', 'node-2']);
    for (const node of nodes) {
      expect(node.slice(1)).toEqual([
        expect.stringMatching(/^\d+m$/),
        expect.stringMatching(/^\d+%$/),
        expect.stringMatching(/^\d+Mi$/),
        expect.stringMatching(/^\d+%$/),
      ]);
    }
  });
});

/** A Deployment whose busybox containers spin (`while :; do :; done`), each capped at a tenth of a core. */
const BURN = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'burn', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'burn' } },
    template: {
      metadata: { labels: { app: 'burn' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'burn',
            image: BUSYBOX_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'while :; do :; done'],
            resources: { requests: { cpu: '20m' }, limits: { cpu: '100m' } },
          },
        ],
      },
    },
  },
});

/** Keeps burn's CPU at half its request: the spinning replica is far above that. */
const BURN_HPA = JSON.stringify({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'burn', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burn' },
    minReplicas: 1,
    maxReplicas: 3,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
  },
});

describe('the autoscaler on Docker nodes, reading metrics.k8s.io through the apiserver', () => {
  it('scales a Deployment under real CPU load past its minimum', async () => {
    try {
      expect(await kubectl.run(['apply', '-f', '-'], BURN)).toMatchObject({ code: 0 });
      expect(await kubectl.run(['apply', '-f', '-'], BURN_HPA)).toMatchObject({ code: 0 });
      // The first readings may come before a replica spins (0%): wait for one above the target.
      const utilization = await kubectlUntil(
        'the HPA read burn’s CPU above its 50% target',
        ['get', 'hpa', 'burn', '-o', 'jsonpath={.status.currentMetrics[0].resource.current.averageUtilization}'],
        (r) => Number(r.stdout) > 50,
        180_000,
      );
      expect(Number(utilization.stdout)).toBeGreaterThan(50);
      const replicas = await kubectlUntil(
        'burn scaled past one replica',
        ['get', 'deployment', 'burn', '-o', 'jsonpath={.spec.replicas}'],
        (r) => Number(r.stdout) > 1,
        180_000,
      );
      expect(Number(replicas.stdout)).toBeGreaterThan(1);
      expect(Number(replicas.stdout)).toBeLessThanOrEqual(3);
    } finally {
      // The load stops whatever happened above.
      await kubectl.run(['delete', 'hpa/burn', 'deployment/burn', '--wait=false']);
    }
  }, 420_000);
});
