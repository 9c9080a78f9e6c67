import { createCoreModule, FakeClock, TYPES } from '@flotilla/core';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import type { Applier } from '../src/apply/applier.js';
import { createNetproxyModule, NetproxyTokens } from '../src/di/netproxy-module.js';
import { ClusterDns } from '../src/dns/cluster-dns.js';
import type { IptablesRules } from '../src/iptables/iptables-rules.js';
import { Proxier } from '../src/proxier/proxier.js';
import { UserspaceProxy } from '../src/userspace/userspace-proxy.js';

describe('createNetproxyModule', () => {
  it("binds a Proxier on core's shared informers, a userspace proxy and cluster DNS, one per container", async () => {
    const applied: IptablesRules[] = [];
    const applier: Applier<IptablesRules> = { apply: async (rules) => void applied.push(rules) };
    const clock = new FakeClock();
    const container = new Container();
    container.loadSync(
      createCoreModule({ clock }),
      createNetproxyModule({
        node: { nodeName: 'node-1', nodeIPs: ['198.18.0.1'] },
        proxier: { mode: 'iptables', applier },
      }),
    );
    const proxier = container.get<Proxier>(NetproxyTokens.Proxier);
    expect(proxier).toBeInstanceOf(Proxier);
    expect(container.get(NetproxyTokens.Proxier)).toBe(proxier);
    expect(container.get(NetproxyTokens.UserspaceProxy)).toBeInstanceOf(UserspaceProxy);
    expect(container.get(NetproxyTokens.ClusterDns)).toBeInstanceOf(ClusterDns);

    const abort = new AbortController();
    container.get(TYPES.InformerFactory).start(abort.signal);
    await proxier.start(abort.signal);
    await clock.step(0);
    expect(applied.map((r) => r.full)).toEqual([true]);
    abort.abort();
  });

  it('binds no Proxier without a data plane', () => {
    const container = new Container();
    container.loadSync(createCoreModule(), createNetproxyModule({ node: { nodeName: 'node-1', nodeIPs: [] } }));
    expect(container.isBound(NetproxyTokens.Proxier)).toBe(false);
  });
});
