import { afterEach, describe, expect, it } from 'vitest';
import { Manager } from '../../src/controller/manager.js';
import { cluster } from './fixtures.js';

const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('Manager with many shared informers', () => {
  it('starts informers for more than ten kinds without a MaxListenersExceededWarning on its internal signal', async () => {
    process.on('warning', onWarning);
    const { api } = cluster();
    const manager = new Manager({ api, clock: api.clock });
    const kinds = ['Pod', 'Node', 'Service', 'Endpoints', 'EndpointSlice', 'ReplicaSet', 'Deployment', 'DaemonSet'];
    kinds.push('Job', 'CronJob', 'ConfigMap', 'Secret', 'Namespace', 'Lease');
    for (const kind of kinds) manager.informers.for(kind);
    const ac = new AbortController();

    await manager.start(ac.signal);
    // Process warnings are emitted on a later tick.
    await new Promise<void>((resolve) => setImmediate(resolve));
    ac.abort();
    await manager.stopped;

    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
