// Loads the CommonJS and the ESM copies of the packages in one process, as an application with mixed
// dependencies does, and runs a pod through a CommonJS NodeAgent against an ESM Api: every error the
// agent meets comes from the other copy and must still be recognised. Prints what it saw.
const coreCjs = require('@flotilla/core');
const runtimeCjs = require('@flotilla/runtime');

async function main() {
  const coreEsm = await import('@flotilla/core');
  console.log(`two copies of core loaded: ${coreCjs.Api !== coreEsm.Api}`);

  const clock = new coreEsm.FakeClock();
  const store = new coreEsm.MemoryStore();
  const api = new coreEsm.Api({ store, clock });
  const missing = await api
    .resource('Pod')
    .get('default', 'nothing')
    .catch((err) => err);
  console.log(`an ESM NotFoundError is a CommonJS NotFoundError: ${missing instanceof coreCjs.NotFoundError}`);
  console.log(`isReason of the CommonJS copy recognises it: ${coreCjs.isReason(missing, 'NotFound')}`);

  const runtime = new runtimeCjs.FakeRuntime({ clock, images: ['nginx:1.27'] });
  const agent = new runtimeCjs.NodeAgent({ api, runtime, clock, nodeName: 'node-1', hostIP: '198.18.0.1' });
  const stop = new AbortController();
  const running = agent.run(stop.signal);
  const pods = api.resource('Pod');
  await pods.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      nodeName: 'node-1',
      restartPolicy: 'Never',
      containers: [{ name: 'c', image: 'nginx:1.27', command: ['sh', '-c', 'echo hi; exit 0'] }],
    },
  });
  let phase;
  for (let i = 0; i < 100 && phase !== 'Succeeded'; i++) {
    await clock.step(100);
    await new Promise((resolve) => setImmediate(resolve));
    phase = (await pods.get('default', 'web')).status?.phase;
  }
  console.log(`a CommonJS NodeAgent ran a pod from the ESM Api to: ${phase}`);
  await pods.delete('default', 'web', { gracePeriodSeconds: 0 });
  for (let i = 0; i < 20; i++) await clock.step(100);
  stop.abort();
  await running;
  api.close();
  await store.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
