import type { WorkloadProgress } from '@flotilla/controllers';
import { Api, type Deployment, FakeClock, InformerFactory, MemoryStore } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { LiveDisplay } from './live-display.js';
import { progressBar, rolloutLine } from './render.js';

const deployment = (replicas: number, status: Deployment['status']): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'flotilla/web:1.0' }] },
    },
  },
  status,
});

describe('progressBar', () => {
  it.each([
    [0, 6, '[....................]'],
    [3, 6, '[##########..........]'],
    [6, 6, '[####################]'],
    [9, 6, '[####################]'],
    [0, 0, '[####################]'],
  ])('%i of %i is %s', (done, total, bar) => {
    expect(progressBar(done, total)).toBe(bar);
  });
});

describe('rolloutLine', () => {
  it('shows surge (pods above the desired count) and unavailable (desired pods not available)', () => {
    const line = rolloutLine(deployment(6, { replicas: 8, updatedReplicas: 3, availableReplicas: 5 }));
    expect(line).toBe('[##########..........] deployment/web: 3/6 updated, 5 available, surge 2, unavailable 1');
  });

  it('reads a Deployment without status as nothing done yet', () => {
    expect(rolloutLine(deployment(3, undefined))).toBe(
      '[....................] deployment/web: 0/3 updated, 0 available, surge 0, unavailable 3',
    );
  });
});

describe('LiveDisplay', () => {
  const setup = async (isTTY: boolean) => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    const informers = new InformerFactory(api, { clock });
    const written: string[] = [];
    const display = new LiveDisplay({ out: { write: (t: string) => written.push(t), isTTY }, informers, clock });
    const abort = new AbortController();
    informers.start(abort.signal);
    await informers.waitForSync();
    return { api, clock, written, display, stop: () => abort.abort() };
  };

  it('on a terminal redraws the dashboard in place, with colours, under the story', async () => {
    const d = await setup(true);
    d.display.start();
    d.display.say('Step 1/1: something');
    await d.api.resource('Deployment').create(deployment(2, undefined));
    await d.clock.step(250);
    d.display.stop();
    d.stop();
    const last = d.written.at(-1)!;
    expect(last.startsWith('\x1b[H\x1b[2J')).toBe(true);
    expect(last).toContain('Step 1/1: something');
    expect(last).toContain('deployment/web: 0/2 updated');
    expect(last).toContain('\x1b[1mNODES\x1b[0m');
  });

  it('elsewhere prints each story line and each change once, as plain lines', async () => {
    const d = await setup(false);
    d.display.start();
    d.display.say('Step 1/1: something');
    await d.api.resource('Deployment').create(deployment(2, undefined));
    await d.clock.flush();
    await d.clock.step(1000);
    d.display.stop();
    d.stop();
    const text = d.written.join('');
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('Step 1/1: something\n');
    expect(text.match(/rollout \[\.+\] deployment\/web: 0\/2 updated/g)).toHaveLength(1);
  });

  const reading = (state: WorkloadProgress['state'], done: number, message: string): WorkloadProgress => ({
    kind: 'Job',
    namespace: 'default',
    name: 'pi',
    state,
    done,
    desired: 1,
    message,
  });

  it('shows progress readings of followed workloads: a line per change, or a bar among the rollouts', async () => {
    const plain = await setup(false);
    plain.display.progress(reading('progressing', 0, 'Waiting for job "pi" to complete...'));
    plain.display.progress(reading('progressing', 0, 'Waiting for job "pi" to complete...'));
    plain.display.progress(reading('complete', 1, 'job "pi" completed: 1 succeeded'));
    plain.stop();
    expect(plain.written.join('')).toMatch(
      /progress \[\.{20}\] job\/pi: Waiting for job "pi" to complete\.\.\.\n.*progress \[#{20}\] job\/pi: job "pi" completed: 1 succeeded\n$/s,
    );
    expect(plain.written).toHaveLength(2);

    const tty = await setup(true);
    tty.display.progress(reading('complete', 1, 'job "pi" completed: 1 succeeded'));
    tty.display.say('redraw');
    tty.stop();
    expect(tty.written.at(-1)).toContain('[####################] job/pi: job "pi" completed: 1 succeeded');
  });
});
