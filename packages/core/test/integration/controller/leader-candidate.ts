/**
 * One replica competing for leadership on a real etcd, run as its own OS
 * process by leader-election.test.ts: `tsx leader-candidate.ts <identity>
 * <endpoint>...`. Prints `LEADING <identity>` when its leader work starts and
 * `STOPPED <identity>` when it stops; exits on SIGTERM.
 */
import { Api, EtcdStore, Manager, RealClock } from '../../../src/index.js';

const [identity, ...endpoints] = process.argv.slice(2);
if (!identity || endpoints.length === 0) {
  console.error('usage: leader-candidate.ts <identity> <etcd endpoint>...');
  process.exit(2);
}

const clock = new RealClock();
const store = new EtcdStore({ endpoints, prefix: '/leader-election-test/registry' });
const api = new Api({ store, clock });
const manager = new Manager({
  api,
  clock,
  // Short timings keep the test quick; the same ratios as the defaults (15/10/2) hold.
  leaderElection: {
    name: 'controller-manager',
    namespace: 'kube-system',
    identity,
    leaseDurationMs: 3_000,
    renewDeadlineMs: 2_000,
    retryPeriodMs: 500,
  },
});
manager.add({
  start(signal) {
    console.log(`LEADING ${identity}`);
    signal.addEventListener('abort', () => console.log(`STOPPED ${identity}`));
  },
});

const ac = new AbortController();
process.on('SIGTERM', () => ac.abort());
await manager.start(ac.signal);
console.log(`READY ${identity}`);
await manager.stopped;
await api.close();
await store.close();
