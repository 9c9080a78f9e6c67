import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bearerProtocol,
  CHANNEL,
  channelFrame,
  closeStdinFrame,
  exitOf,
  splitFrame,
} from '../../src/browser/model/exec-channels.js';
import {
  chartSeries,
  cpuCores,
  historyFromSummary,
  niceBytesCeiling,
  niceCeiling,
  PAGE_WINDOW_MS,
  type UsageSample,
} from '../../src/browser/model/usage-series.js';

describe('the v5.channel.k8s.io frames the shell sends and reads', () => {
  it('a stdin line is channel 0 then its bytes; v5 closes stdin with 255, 0', () => {
    expect([...channelFrame(CHANNEL.stdin, new TextEncoder().encode('ls\n'))]).toEqual([0, 108, 115, 10]);
    expect([...closeStdinFrame()]).toEqual([255, 0]);
  });

  it('a frame from the server splits into its channel and bytes', () => {
    const split = splitFrame(Uint8Array.of(2, 104, 105));
    expect(split && { channel: split.channel, text: new TextDecoder().decode(split.data) }).toEqual({
      channel: 2,
      text: 'hi',
    });
    expect(splitFrame(new Uint8Array())).toBeUndefined();
  });

  it.each([
    ['{"metadata":{},"status":"Success"}', { exitCode: 0 }],
    [
      '{"status":"Failure","reason":"NonZeroExitCode","message":"command terminated with non-zero exit code","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
      { exitCode: 3 },
    ],
    [
      '{"status":"Failure","reason":"InternalError","message":"exec: \\"nope\\": executable file not found"}',
      { failure: 'exec: "nope": executable file not found' },
    ],
    ['not json', { failure: 'not json' }],
  ])('the error channel’s %s ends the session as %j', (text, outcome) => {
    expect(exitOf(text)).toEqual(outcome);
  });

  it('the token subprotocol is unpadded base64url of the UTF-8 token', () => {
    expect(bearerProtocol('admin-token')).toBe(
      `base64url.bearer.authorization.k8s.io.${Buffer.from('admin-token').toString('base64url')}`,
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (token) => {
        const encoded = bearerProtocol(token).slice('base64url.bearer.authorization.k8s.io.'.length);
        expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(Buffer.from(encoded, 'base64url').toString('utf8')).toBe(token);
      }),
    );
  });
});

describe('usage samples placed in a chart', () => {
  it.each([
    [0, 1],
    [0.3, 0.5],
    [0.5, 0.5],
    [0.51, 1],
    [1.2, 2],
    [3, 5],
    [7, 10],
    [130 * 2 ** 20, 200_000_000],
  ])('the scale over %s tops at %s', (value, top) => {
    expect(niceCeiling(value)).toBe(top);
  });

  it.each([
    [0, 1],
    [512, 1000],
    [1536, 2048],
    [64 * 2 ** 20, 100 * 2 ** 20],
    [3 * 2 ** 30, 5 * 2 ** 30],
  ])('memory over %s bytes tops at %s (a round number of its binary unit)', (bytes, top) => {
    expect(niceBytesCeiling(bytes)).toBe(top);
  });

  it('the newest sample sits at the right edge, the oldest at the left: a young history fills the chart', () => {
    const samples: UsageSample[] = [
      { time: 60_000, cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 0 },
      { time: 0, cpuNanoCores: 500_000_000, memoryWorkingSetBytes: 0 },
    ];
    expect(chartSeries(samples, cpuCores, 120_000, 300, 80)).toEqual({
      points: [
        [0, 0],
        [300, 40],
      ],
      max: 0.5,
      latest: 0.25,
      spanMs: 60_000,
    });
  });

  it('a history longer than the window is drawn over the window: older samples fall off the left edge', () => {
    const samples: UsageSample[] = [0, 60_000, 120_000].map((time) => ({
      time,
      cpuNanoCores: 1e9,
      memoryWorkingSetBytes: 0,
    }));
    const { points, spanMs } = chartSeries(samples, cpuCores, 60_000, 300, 80);
    expect({ xs: points.map(([x]) => x), spanMs }).toEqual({ xs: [0, 0, 300], spanMs: 60_000 });
  });

  it('every point lies in the box, whatever the samples', () => {
    const sample = fc.record({
      time: fc.integer({ min: 0, max: 10 ** 12 }),
      cpuNanoCores: fc.integer({ min: 0, max: 64 * 10 ** 9 }),
      memoryWorkingSetBytes: fc.integer({ min: 0, max: 2 ** 40 }),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 80 }), fc.integer({ min: 1, max: 10 ** 7 }), (samples, windowMs) => {
        const { points, max } = chartSeries(samples, cpuCores, windowMs, 300, 80);
        expect(points).toHaveLength(samples.length);
        expect(max).toBeGreaterThan(0);
        for (const [x, y] of points) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(300);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(y).toBeLessThanOrEqual(80);
        }
      }),
    );
  });
});

describe('the history a chart draws, from /stats/summary reads', () => {
  const at = (ms: number) => new Date(ms).toISOString();
  /** A kubelet's summary (no history): the node and the given pods, each at `cpu` nano-cores. */
  const kubeletSummary = (ms: number, pods: string[], cpu: number) => ({
    node: { cpu: { time: at(ms), usageNanoCores: cpu * pods.length }, memory: { workingSetBytes: 2 ** 30 } },
    pods: pods.map((name) => ({
      podRef: { namespace: 'default', name },
      cpu: { time: at(ms), usageNanoCores: cpu },
      memory: { workingSetBytes: 2 ** 20 },
    })),
  });

  it("takes Flotilla's agent history as it is", () => {
    const history = { windowMs: 60_000, node: [{ time: 1, cpuNanoCores: 2, memoryWorkingSetBytes: 3 }], pods: {} };
    expect(historyFromSummary({ history }, undefined, 0)).toBe(history);
  });

  it("against a kubelet keeps the page's own reads: appended, a repeated reading once, gone pods forgotten", () => {
    const first = historyFromSummary(kubeletSummary(10_000, ['a', 'b'], 100), undefined, 0);
    const again = historyFromSummary(kubeletSummary(10_000, ['a', 'b'], 100), first, 0);
    const second = historyFromSummary(kubeletSummary(20_000, ['a'], 300), again, 0);
    expect(second).toEqual({
      windowMs: PAGE_WINDOW_MS,
      node: [
        { time: 10_000, cpuNanoCores: 200, memoryWorkingSetBytes: 2 ** 30 },
        { time: 20_000, cpuNanoCores: 300, memoryWorkingSetBytes: 2 ** 30 },
      ],
      pods: {
        'default/a': [
          { time: 10_000, cpuNanoCores: 100, memoryWorkingSetBytes: 2 ** 20 },
          { time: 20_000, cpuNanoCores: 300, memoryWorkingSetBytes: 2 ** 20 },
        ],
      },
    });
  });

  it('drops what is older than the window, and times a reading without a time by the read', () => {
    const old = historyFromSummary(kubeletSummary(0, [], 0), undefined, 0);
    const later = historyFromSummary({ node: { cpu: { usageNanoCores: 5 } } }, old, PAGE_WINDOW_MS + 1);
    expect(later.node).toEqual([{ time: PAGE_WINDOW_MS + 1, cpuNanoCores: 5, memoryWorkingSetBytes: 0 }]);
  });
});
