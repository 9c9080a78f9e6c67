/**
 * `npm start`: a whole Flotilla cluster in this process, a demo of what it
 * does, and a summary. See README.md beside this file, or `npm start -- --help`.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError, type Logger, type Pod, RealClock, silentLogger } from '@flotilla/core';
import { pino } from 'pino';
import { kubectlHint, serveApi } from './api-server.js';
import { LocalCluster } from './cluster.js';
import { demoSteps } from './demo/demo-steps.js';
import { runDemo } from './demo/run-demo.js';
import type { DemoContext, DemoStep } from './demo/step.js';
import { convergeStep } from './demo/steps/converge.js';
import { LiveDisplay } from './display/live-display.js';
import { stylesFor } from './display/render.js';
import { dockerNodes } from './docker-nodes.js';
import { KernelProxy } from './kernel-proxy.js';
import { type LocalClusterOptions, parseOptions, usage } from './options.js';
import { checkOptionalComponents } from './preflight.js';
import { openStore } from './store.js';
import { renderSummary } from './summary.js';

const defaultManifests = join(dirname(fileURLToPath(import.meta.url)), '..', 'manifests');

function loggerFor(options: LocalClusterOptions): Logger {
  return options.logFile
    ? pino({ level: 'info' }, pino.destination({ dest: options.logFile, sync: true }))
    : silentLogger();
}

/**
 * The bundled manifests get the whole walkthrough; any other directory is
 * applied and followed to its expected state, and the walkthrough (which
 * works on the demo's own objects) is left out, saying so.
 */
function stepsFor(
  options: LocalClusterOptions,
  kernel: KernelProxy | undefined,
  say: (line: string) => void,
): DemoStep[] {
  if (resolve(options.manifestsDir) === resolve(defaultManifests)) return demoSteps(options.manifestsDir, kernel);
  say(
    `Your manifests from ${options.manifestsDir}: each object is applied and each workload followed until it converges. ` +
      'The walkthrough (scale, rolling update, healing, service, DNS, autoscaling) runs on the bundled demo only.',
  );
  return [convergeStep(options.manifestsDir)];
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2), defaultManifests);
  if (parsed === 'help') {
    console.log(usage);
    return 0;
  }
  const options = parsed;
  await checkOptionalComponents(options);
  const clock = new RealClock();
  const startedAt = clock.now();
  const store = await openStore(options.store);
  const st = stylesFor(process.stdout);
  const where =
    options.store.kind === 'etcd'
      ? `etcd at ${options.store.endpoints.join(', ')}`
      : options.store.kind === 'file'
        ? `the file store in ${options.store.path}`
        : 'the in-memory store';
  const nodes = options.runtime === 'docker' ? 'nodes running Docker containers' : 'simulated nodes';
  console.log(st.bold(`Starting a local Flotilla cluster: ${options.nodes} ${nodes} on ${where}`));
  const logger = loggerFor(options);
  const docker = options.runtime === 'docker' ? await dockerNodes(logger) : undefined;
  const cluster = await LocalCluster.start({
    store,
    nodes: options.nodes,
    logger,
    clock,
    runtimeFor: docker?.runtimeFor,
    authorization: options.authorization,
    nodeApiToken: randomBytes(24).toString('base64url'),
  });
  const served = await serveApi(cluster.api, logger, cluster.kubeletClient);
  const display = new LiveDisplay({ out: process.stdout, informers: cluster.manager.informers, clock });
  const kernel =
    options.proxy === 'userspace'
      ? undefined
      : new KernelProxy(options.proxy, { informers: cluster.manager.informers, clock, logger });
  await kernel?.start();
  let podsCreated = 0;
  const counting = cluster.manager.informers.for<Pod>('Pod').events$.subscribe((e) => {
    if (e.type === 'added') podsCreated += 1;
  });
  display.say(
    `Cluster up in ${((clock.now() - startedAt) / 1000).toFixed(1)} s: controllers ${cluster.controllers.join(', ')}; ` +
      `scheduler; nodes ${cluster.nodes.map((n) => (n.simulated ? `${n.name} (pods ${n.podCIDR})` : `${n.name} (Docker)`)).join(', ')}; ` +
      `cluster DNS on udp ${cluster.dnsAddress.address}:${cluster.dnsAddress.port}; userspace proxy on 127.0.0.1` +
      (kernel ? `; ${kernel.mode} rules in network namespace ${kernel.namespace}.` : '.'),
  );
  display.say(kubectlHint(served).join(' '));
  display.start();
  const ctx: DemoContext = {
    cluster,
    display,
    clock,
    timeoutMs: 60_000,
    pauseMs: options.fast ? 0 : 1500,
    stats: { requestsOk: 0, requestsFailed: 0 },
  };
  const interrupted = untilInterrupted();
  const results = await Promise.race([
    runDemo(
      ctx,
      stepsFor(options, kernel, (line) => display.say(line)),
    ),
    interrupted.then(() => undefined),
  ]);
  display.stop();
  if (results) {
    const lines = renderSummary(
      {
        results,
        stats: ctx.stats,
        totalMs: clock.now() - startedAt,
        nodes: cluster.nodes.length,
        controllers: cluster.controllers,
        podsCreated,
        informers: cluster.manager.informers,
      },
      st,
    );
    console.log(lines.join('\n'));
    if (options.watch) {
      console.log(
        '\n--serve: the cluster stays up (see "Inspecting the running cluster" in the README); Ctrl-C stops it.',
      );
      console.log(kubectlHint(served).join('\n'));
      display.start();
      await interrupted;
      display.stop();
    }
  }
  counting.unsubscribe();
  await kernel?.stop();
  await served.dashboard.stop();
  await served.server.stop();
  await cluster.stop();
  await docker?.stop();
  await store.close();
  if (!results) return 130;
  return results.some((r) => r.outcome === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ApiError ? err.message : err);
    process.exit(err instanceof ApiError ? 2 : 1);
  },
);
