import { Api, type Deployment, EtcdStore, Informer, type Pod, type ReplicaSet } from '@flotilla/core';
import { Etcd3 } from 'etcd3';
import { type EtcdHandle, startEtcd } from '../../scripts/etcd.js';
import { ComponentProcess } from '../etcd-cluster/component-process.js';
import { ClusterCredentials } from '../etcd-cluster/credentials.js';
import { FakeKubelet } from './fake-kubelet.js';
import { cacheDrift, observeRollout } from './invariants.js';
import { SeededRandom } from './seeded-random.js';
import { WriteLedger } from './write-ledger.js';

/** Options of one fault-injection run. */
export interface FaultRunOptions {
  /** Decides every fault, its target and its timing: the same seed replays the same run. */
  seed: number;
  /** Rolling updates to run; each meets every kind of fault. */
  steps: number;
  /** Where the run narrates (one line per step and fault). */
  narrate?: (line: string) => void;
}

/** What a run did; it throws instead when an invariant fails. */
export interface FaultRunResult {
  seed: number;
  steps: number;
  faults: Record<FaultKind, number>;
  /** Appends to the write ledger acknowledged during the run. */
  ledgerWrites: number;
}

type FaultKind = 'etcd-member-killed' | 'compaction' | 'controller-manager-killed';
const faultKinds: readonly FaultKind[] = ['etcd-member-killed', 'compaction', 'controller-manager-killed'];

const NAMESPACE = 'default';
const NAME = 'rolling';
const REPLICAS = 4;
/** How long a step may take to converge after its faults: a restarted controller manager first waits out the 6 s lease. */
const CONVERGE_MS = 120_000;
/** The controller manager's identity: the faults are the subject here, not authorization, so it is cluster-admin. */
const MANAGER_IDENTITY = { user: 'fault-injection:controller-manager', groups: ['system:masters'] };

/**
 * An apiserver process on `etcd` (the etcd-cluster example's, HTTPS with
 * static tokens) and the arguments that start a controller manager against
 * it, as kube-controller-manager runs: through the apiserver, with a
 * kubeconfig of its own.
 */
async function startApiServer(
  etcd: EtcdHandle,
  credentials: ClusterCredentials,
): Promise<{ apiserver: ComponentProcess; managerArgs: string[] }> {
  credentials.add('controller-manager', MANAGER_IDENTITY);
  await credentials.writeTokenFile();
  const apiserver = new ComponentProcess('apiserver', 'apiserver', [
    '--etcd',
    etcd.endpoints.join(','),
    '--pki',
    credentials.dir,
  ]);
  const serving = await apiserver.waitFor((e) => e.event === 'serving', CONVERGE_MS);
  if (serving.event !== 'serving') throw new Error(`the apiserver reported ${serving.event}, not serving`);
  return {
    apiserver,
    managerArgs: ['--kubeconfig', await credentials.writeKubeconfig('controller-manager', serving.url)],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deployment(version: number): Deployment {
  const labels = { app: NAME };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: `registry.test/app:v${version}` }] },
      },
    },
  };
}

/** Polls `check` until it returns no problems; throws with the last problems (and the seed) when time runs out. */
async function converge(what: string, seed: number, ms: number, check: () => Promise<string[]>): Promise<void> {
  const deadline = Date.now() + ms;
  let problems: string[] = ['not checked yet'];
  while (Date.now() < deadline) {
    problems = await check().catch((err: unknown) => [`check failed: ${(err as Error).message}`]);
    if (problems.length === 0) return;
    await sleep(250);
  }
  throw new Error(`seed ${seed}: ${what} did not hold within ${ms} ms:\n  ${problems.join('\n  ')}`);
}

/**
 * A three-member etcd, an apiserver and the controller manager (through the
 * apiserver) as child processes, and this process as the client, straight on
 * etcd: for each step, a rolling update of a Deployment
 * meets every kind of fault in a seeded order and at seeded moments (an etcd
 * member SIGKILLed and restarted, the store compacted under the informers'
 * watches, the controller manager SIGKILLed and restarted), while a ledger
 * writer appends through it all. After each step: exactly the desired pods
 * of the current template and no orphans (read from the store), both
 * informers' caches equal to the store, and the ledger exact (no
 * acknowledged write lost, none doubled, none refused yet applied).
 */
export async function runFaults(options: FaultRunOptions): Promise<FaultRunResult> {
  const { seed, steps } = options;
  const narrate = options.narrate ?? (() => undefined);
  const random = new SeededRandom(seed);
  const faults: Record<FaultKind, number> = { 'etcd-member-killed': 0, compaction: 0, 'controller-manager-killed': 0 };
  const etcd: EtcdHandle = await startEtcd({ members: 3 });
  const admin = new Etcd3({ hosts: etcd.endpoints });
  const store = new EtcdStore({ endpoints: etcd.endpoints, requestTimeoutMs: 3_000 });
  const api = new Api({ store });
  const credentials = await ClusterCredentials.create();
  const { apiserver, managerArgs } = await startApiServer(etcd, credentials);
  let manager = new ComponentProcess('controller-manager', 'cm-0', managerArgs);
  const pods = new Informer<Pod>(api, 'Pod', { namespace: NAMESPACE });
  const sets = new Informer<ReplicaSet>(api, 'ReplicaSet', { namespace: NAMESPACE });
  const kubelet = new FakeKubelet(api, pods);
  const ledger = new WriteLedger(api);
  let restarts = 0;

  const inject = async (kind: FaultKind) => {
    faults[kind]++;
    if (kind === 'etcd-member-killed') {
      const member = random.int(0, 2);
      const downMs = random.int(200, 3_000);
      narrate(`  kill etcd member ${member} for ${downMs} ms`);
      await etcd.kill(member);
      await sleep(downMs);
      await etcd.restart(member);
    } else if (kind === 'compaction') {
      const revision = await store.currentRevision();
      narrate(`  compact etcd at revision ${revision}`);
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.kv.compact({ revision, physical: false });
          break;
        } catch (err) {
          if (attempt >= 20) throw err;
          await sleep(250);
        }
      }
    } else {
      narrate('  SIGKILL the controller manager and start it again');
      await manager.kill();
      manager = new ComponentProcess('controller-manager', `cm-${++restarts}`, managerArgs);
    }
  };

  const checkStep = async (step: number) => {
    await converge(`step ${step}: the rollout`, seed, CONVERGE_MS, async () => {
      if (!manager.running) return [`the controller manager exited (code ${await manager.exited})`];
      const seen = await observeRollout(api, NAMESPACE, NAME);
      return seen.rolledOut ? seen.problems : ['not rolled out yet', ...seen.problems];
    });
    await converge(`step ${step}: informer caches equal the store`, seed, 30_000, async () => [
      ...(await cacheDrift(api, 'Pod', pods)),
      ...(await cacheDrift(api, 'ReplicaSet', sets)),
    ]);
    const ledgerProblems = await ledger.verify();
    if (ledgerProblems.length > 0)
      throw new Error(`seed ${seed}: step ${step}: write ledger:\n  ${ledgerProblems.join('\n  ')}`);
  };

  try {
    narrate(`seed ${seed}, ${steps} steps`);
    await manager.waitFor((e) => e.event === 'leading', CONVERGE_MS);
    pods.start();
    sets.start();
    await Promise.all([pods.synced, sets.synced]);
    kubelet.start();
    await ledger.start();
    await api.resource('Deployment').create(deployment(0));
    await checkStep(0);
    for (let step = 1; step <= steps; step++) {
      narrate(`step ${step}: roll out v${step}`);
      // A merge patch sets the same template however often it is sent, so an unknown outcome is simply sent again.
      await converge(`step ${step}: the template update`, seed, 30_000, () =>
        api
          .resource('Deployment')
          .patch(NAMESPACE, NAME, { spec: { template: deployment(step).spec.template } })
          .then(() => []),
      );
      const order = [...faultKinds].sort(() => random.next() - 0.5);
      if (random.next() < 0.5) order.push(random.pick(faultKinds));
      for (const kind of order) {
        await sleep(random.int(0, 2_000));
        await inject(kind);
      }
      await checkStep(step);
      narrate(`step ${step}: converged; ${ledger.count} ledger writes so far`);
    }
    await ledger.stop();
    const finalProblems = await ledger.verify();
    if (finalProblems.length > 0)
      throw new Error(`seed ${seed}: write ledger at the end:\n  ${finalProblems.join('\n  ')}`);
    return { seed, steps, faults, ledgerWrites: ledger.count };
  } finally {
    kubelet.stop();
    await ledger.stop();
    pods.stop();
    sets.stop();
    await manager.stop();
    await apiserver.stop();
    await credentials.remove();
    await api.close();
    await store.close();
    admin.close();
    await etcd.stop();
  }
}
