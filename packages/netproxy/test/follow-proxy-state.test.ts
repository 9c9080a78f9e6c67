import { Api, FakeClock, InformerFactory, MemoryStore } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { followProxyState } from '../src/source/follow-proxy-state.js';
import type { ProxyState } from '../src/state/proxy-state.js';
import { endpointSlice, service } from './support/fixtures.js';

describe('followProxyState', () => {
  const clock = new FakeClock();
  const api = new Api({ store: new MemoryStore(), clock });
  const abort = new AbortController();
  afterEach(() => {
    abort.abort();
    api.close();
  });

  it('delivers the state after the initial sync and one coalesced state per burst of changes', async () => {
    await api.resource('Service').create(service('default', 'web', '10.96.0.10', [{ name: 'http', port: 80 }]));
    const informers = new InformerFactory(api, { clock });
    const states: ProxyState[] = [];
    const following = followProxyState(
      { informers, node: { nodeName: 'node-1', nodeIPs: [] }, clock, delayMs: 100 },
      (s) => {
        states.push(s);
      },
    );
    informers.start(abort.signal);
    await clock.step(100);
    expect(states.map((s) => s.servicePorts.map((p) => p.name))).toEqual([['default/web:http']]);

    await api
      .resource('EndpointSlice')
      .create(endpointSlice('default', 'web', [{ name: 'http', port: 8080 }], [{ ip: '10.1.0.1' }], 'a'));
    await api
      .resource('EndpointSlice')
      .create(endpointSlice('default', 'web', [{ name: 'http', port: 8080 }], [{ ip: '10.1.0.2' }], 'b'));
    await clock.step(100);
    expect(states).toHaveLength(2);
    expect(states[1].servicePorts[0].endpoints.map((e) => e.ip)).toEqual(['10.1.0.1', '10.1.0.2']);

    following.stop();
    await api.resource('Service').delete('default', 'web');
    await clock.step(100);
    expect(states).toHaveLength(2);
  });
});
