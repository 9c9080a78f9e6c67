import { Writable } from 'node:stream';
import { Api, FakeClock, Manager, MemoryStore } from '@flotilla/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startControllerManager } from '../../src/index.js';
import { testDeployment } from '../support/builders.js';
import { PodRunner } from '../support/pod-runner.js';

/** The keys of a JSON object's top level, in order and with repeats (JSON.parse would keep only the last). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (depth === 1 && /^\s*:/.test(json.slice(end + 1))) keys.push(JSON.parse(json.slice(i, end + 1)));
      i = end;
    }
  }
  return keys;
}

const repeated = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);

describe('structured logs of the controllers carry each key once', () => {
  it('the key scanner sees a repeated key', () => {
    expect(repeated(topLevelKeys('{"name":"a","x":{"name":1},"s":"\\"name\\":","name":"b"}'))).toEqual(['name']);
  });

  it('every line of a busy controller manager under a named root logger has unique keys', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const clock = new FakeClock();
    const store = new MemoryStore();
    const api = new Api({ store, clock });
    const runner = new PodRunner(api, ['node-1']);
    // A root logger with a name, as `createLogger({ name })` makes: its `name` must stay the only one.
    const logger = pino({ name: 'controller-manager', level: 'debug' }, sink);
    const manager = new Manager({ api, clock, logger });
    startControllerManager(manager);
    const abort = new AbortController();
    await manager.start(abort.signal);

    await api.resource('Deployment').create(testDeployment('web', 2));
    await api.resource('HorizontalPodAutoscaler').create({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ],
      },
    });
    for (let i = 0; i < 40; i++) {
      await runner.runAll();
      await clock.step(100);
    }
    await api.resource('Deployment').delete('default', 'web');
    for (let i = 0; i < 20; i++) await clock.step(100);
    abort.abort();
    await manager.stopped;

    expect(lines.some((l) => l.includes('"controller":"horizontalpodautoscaling"'))).toBe(true);
    expect(lines.some((l) => l.includes('garbage collected'))).toBe(true);
    const offenders = lines.filter((l) => repeated(topLevelKeys(l)).length > 0);
    expect(offenders).toEqual([]);
  });
});
