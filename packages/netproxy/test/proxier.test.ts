import { Api, FakeClock, InformerFactory, MemoryStore } from '@flotilla/core';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Applier } from '../src/apply/applier.js';
import type { IptablesRules } from '../src/iptables/iptables-rules.js';
import type { NftablesRules } from '../src/nftables/nftables-rules.js';
import { Proxier } from '../src/proxier/proxier.js';
import { endpointSlice, service } from './support/fixtures.js';
import { parseRestore } from './support/iptables-parse.js';

/** An applier that records what it was given and can be told to fail. */
class RecordingApplier<R extends { readonly text: string }> implements Applier<R> {
  readonly applied: R[] = [];
  failNext = false;
  async apply(rules: R): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('iptables-restore: line 3 failed');
    }
    this.applied.push(rules);
  }
}

describe('Proxier', () => {
  let clock: FakeClock;
  let api: Api;
  let informers: InformerFactory;
  let abort: AbortController;
  let registry: Registry;

  beforeEach(() => {
    clock = new FakeClock();
    api = new Api({ store: new MemoryStore(), clock });
    informers = new InformerFactory(api, { clock });
    abort = new AbortController();
    registry = new Registry();
  });
  afterEach(() => {
    abort.abort();
    api.close();
  });

  const addService = async (name: string, ip: string, endpoints: string[]) => {
    await api.resource('Service').create(service('default', name, ip, [{ name: 'http', port: 80 }]));
    await api.resource('EndpointSlice').create(
      endpointSlice(
        'default',
        name,
        [{ name: 'http', port: 8080 }],
        endpoints.map((e) => ({ ip: e })),
      ),
    );
  };

  async function started(applier: Applier<IptablesRules>, options: { maxSyncIntervalMs?: number } = {}) {
    const proxier = new Proxier({
      informers,
      nodeName: 'node-1',
      nodeIPs: ['198.18.0.1'],
      mode: 'iptables',
      applier,
      clock,
      metrics: registry,
      ...options,
    });
    informers.start(abort.signal);
    await proxier.start(abort.signal);
    await clock.step(0);
    return proxier;
  }

  it('syncs fully once the informers have synced, then coalesces changes into one partial sync per interval', async () => {
    await addService('a', '10.96.0.1', ['10.1.0.1']);
    const applier = new RecordingApplier<IptablesRules>();
    const proxier = await started(applier);
    expect(applier.applied.map((r) => r.full)).toEqual([true]);
    expect(proxier.lastSyncTime()).toBe(clock.now());

    await addService('b', '10.96.0.2', ['10.1.0.2']);
    await addService('c', '10.96.0.3', ['10.1.0.3']);
    await clock.step(500);
    expect(applier.applied).toHaveLength(1);
    await clock.step(500);
    expect(applier.applied).toHaveLength(2);
    const partial = applier.applied[1];
    expect(partial.full).toBe(false);
    expect(partial.changedServicePorts).toBe(2);
    const kubeServices = parseRestore(partial.text)
      .get('nat')!
      .rules.filter((r) => r.chain === 'KUBE-SERVICES');
    expect(kubeServices).toHaveLength(4);
  });

  it('on a full sync, deletes the chains an earlier process left, as the applier lists them', async () => {
    await addService('a', '10.96.0.1', ['10.1.0.1']);
    const leftover = 'KUBE-SEP-ABCDEFGHIJKLMNOP';
    const applier = Object.assign(new RecordingApplier<IptablesRules>(), {
      listed: 0,
      async listNatChains() {
        this.listed++;
        return ['PREROUTING', 'KUBE-SERVICES', leftover];
      },
    });
    await started(applier);
    await addService('b', '10.96.0.2', ['10.1.0.2']);
    await clock.step(1000);
    expect(applier.applied.map((r) => r.full)).toEqual([true, false]);
    // Listed for the full sync only.
    expect(applier.listed).toBe(1);
    const [full, partial] = applier.applied.map((r) => parseRestore(r.text).get('nat')!);
    expect([...full.deleted]).toEqual([leftover]);
    expect(partial.deleted.size).toBe(0);
  });

  it('after a failed apply, retries with a full resync and counts the failure', async () => {
    await addService('a', '10.96.0.1', ['10.1.0.1']);
    const applier = new RecordingApplier<IptablesRules>();
    const proxier = await started(applier);
    applier.failNext = true;
    await addService('b', '10.96.0.2', ['10.1.0.2']);
    await clock.step(1000);
    expect(applier.applied).toHaveLength(1);
    await clock.step(1000);
    expect(applier.applied.map((r) => r.full)).toEqual([true, true]);
    expect(
      (await registry.getSingleMetric('kubeproxy_sync_proxy_rules_iptables_restore_failures_total')?.get())?.values[0]
        .value,
    ).toBe(1);
    expect(proxier.isHealthy()).toBe(true);
  });

  it('resyncs fully at the max interval without changes', async () => {
    await addService('a', '10.96.0.1', ['10.1.0.1']);
    const applier = new RecordingApplier<IptablesRules>();
    await started(applier, { maxSyncIntervalMs: 60_000 });
    await clock.step(59_999);
    expect(applier.applied).toHaveLength(1);
    await clock.step(1);
    expect(applier.applied.map((r) => r.full)).toEqual([true, true]);
  });

  it('reports unhealthy when changes wait longer than the health timeout because syncs keep failing', async () => {
    const applier = new RecordingApplier<IptablesRules>();
    const proxier = await started(applier, { maxSyncIntervalMs: 60_000 });
    applier.apply = async () => {
      throw new Error('nft: no such table');
    };
    await addService('a', '10.96.0.1', ['10.1.0.1']);
    await clock.step(1000);
    expect(proxier.isHealthy()).toBe(true);
    await clock.step(120_000);
    expect(proxier.isHealthy()).toBe(false);
  });

  it('records sync durations and rule counts under Kubernetes metric names', async () => {
    await addService('a', '10.96.0.1', ['10.1.0.1', '10.1.0.2']);
    await started(new RecordingApplier<IptablesRules>());
    const text = await registry.metrics();
    expect(text).toMatch(/^kubeproxy_sync_proxy_rules_duration_seconds_count 1$/m);
    expect(text).toMatch(/^kubeproxy_sync_full_proxy_rules_duration_seconds_count 1$/m);
    expect(text).toMatch(/^kubeproxy_sync_proxy_rules_last_timestamp_seconds \d+/m);
    expect(text).toMatch(/^kubeproxy_sync_proxy_rules_iptables_total\{table="nat"\} \d+/m);
  });

  it('programs every other Service while one cannot be, and tells why once: a log line, a Warning Event, a gauge', async () => {
    await addService('a', '10.96.0.1', ['10.1.0.1']);
    // Accepted by the Api, but no cluster IP yet: the allocator has not run.
    await api.resource('Service').create(service('default', 'pending', '', [{ name: 'http', port: 80 }]));
    const told: { reason: string; name: string; message: string }[] = [];
    const events = {
      event: async (obj: { metadata: { name: string } }, _type: string, reason: string, message: string) => {
        told.push({ reason, name: obj.metadata.name, message });
      },
    };
    const applier = new RecordingApplier<IptablesRules>();
    const proxier = new Proxier({
      informers,
      nodeName: 'node-1',
      nodeIPs: ['198.18.0.1'],
      mode: 'iptables',
      applier,
      clock,
      metrics: registry,
      events,
    });
    informers.start(abort.signal);
    await proxier.start(abort.signal);
    await clock.step(0);
    expect(applier.applied).toHaveLength(1);
    expect(applier.applied[0].text).toContain('10.96.0.1');
    expect(proxier.isHealthy()).toBe(true);
    expect(told).toEqual([
      {
        reason: 'FailedToProgram',
        name: 'pending',
        message: expect.stringContaining('spec.clusterIP: Required value'),
      },
    ]);
    const gauge = async () =>
      (await registry.getSingleMetric('flotilla_proxy_skipped_objects')?.get())?.values.find(
        (v) => v.labels.kind === 'Service',
      )?.value;
    expect(await gauge()).toBe(1);

    // Another change: the skipped Service is not told about again.
    await addService('b', '10.96.0.2', ['10.1.0.2']);
    await clock.step(1000);
    expect(applier.applied).toHaveLength(2);
    expect(told).toHaveLength(1);

    // Allocated: programmed, and the gauge goes back to zero.
    const pending = await api.resource('Service').get('default', 'pending');
    await api.resource('Service').update({ ...pending, spec: { ...pending.spec, clusterIP: '10.96.0.9' } });
    await clock.step(1000);
    expect(applier.applied.at(-1)?.text).toContain('10.96.0.9');
    expect(await gauge()).toBe(0);
  });

  it('drives the nftables generator in nftables mode', async () => {
    await addService('a', '10.96.0.1', ['10.1.0.1']);
    const applier = new RecordingApplier<NftablesRules>();
    const proxier = new Proxier({
      informers,
      nodeName: 'node-1',
      nodeIPs: ['198.18.0.1'],
      mode: 'nftables',
      applier,
      clock,
      table: 'fltest',
    });
    informers.start(abort.signal);
    await proxier.start(abort.signal);
    await clock.step(0);
    expect(applier.applied[0].text).toContain('table ip fltest {');
    await api.resource('EndpointSlice').delete('default', 'a-abc');
    await clock.step(1000);
    expect(applier.applied[1].text).toContain(
      'add element ip fltest no-endpoint-services { 10.96.0.1 . tcp . 80 : goto reject-chain }',
    );
  });

  it.each([
    ['returns nothing', () => undefined],
    [
      'throws',
      () => {
        throw new Error('already closed');
      },
    ],
    ['rejects', () => Promise.reject(new Error('already closed'))],
  ])('stop resolves when the applier’s close %s', async (_, close) => {
    const applier: Applier<IptablesRules> = { apply: async () => {}, close: close as () => void };
    const proxier = await started(applier);
    await expect(proxier.stop()).resolves.toBeUndefined();
  });

  it('stop waits for the sync in flight, then closes the applier once', async () => {
    await addService('a', '10.96.0.1', ['10.1.0.1']);
    const events: string[] = [];
    let release = () => {};
    const applier: Applier<IptablesRules> = {
      apply: () => {
        events.push('apply started');
        return new Promise<void>((resolve) => {
          release = () => {
            events.push('apply finished');
            resolve();
          };
        });
      },
      close: async () => {
        events.push('closed');
      },
    };
    const proxier = await started(applier);
    const stopped = proxier.stop();
    await clock.flush();
    expect(events).toEqual(['apply started']);
    release();
    await stopped;
    expect(events).toEqual(['apply started', 'apply finished', 'closed']);
  });
});
