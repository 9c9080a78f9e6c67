import type { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import type { PodSandboxConfig } from '../cri/messages.js';
import type { ConformanceFixture, ProcessSpec } from './fixture.js';

/** What the streaming cases borrow from the suite around them. */
export interface StreamingCaseContext {
  fixture(): ConformanceFixture;
  runContainer(spec: ProcessSpec): Promise<{ sandbox: { id: string; config: PodSandboxConfig }; id: string }>;
  eventually(check: () => Promise<void>): Promise<void>;
}

/** Everything a stream gives until it ends. */
function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', reject);
  });
}

/**
 * The streaming half of the runtime contract: exec with streams, TTY and
 * exit codes, sessions that end their process when closed, port-forward,
 * streamed stats and the kubelet's log options. Registered by
 * `describeRuntimeConformance` for every backend.
 */
export function streamingConformanceCases(ctx: StreamingCaseContext): void {
  it('execs with streams: stdout from the pod hostname, exit code 3', async () => {
    const f = ctx.fixture();
    const { sandbox, id } = await ctx.runContainer({});
    const session = await f.runtime.exec(id, { cmd: ['sh', '-c', 'echo $HOSTNAME; exit 3'] });
    const [out, err] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
    expect(out).toBe(`${sandbox.config.hostname}\n`);
    expect(err).toBe('');
    expect(await session.exitCode).toBe(3);
  });

  it('passes stdin to an exec until it is closed', async () => {
    const f = ctx.fixture();
    const { id } = await ctx.runContainer({});
    const session = await f.runtime.exec(id, { cmd: ['cat'], stdin: true });
    const out = readAll(session.stdout);
    session.stdin?.write('line one\n');
    session.stdin?.end('line two\n');
    expect(await out).toBe('line one\nline two\n');
    expect(await session.exitCode).toBe(0);
  });

  it('gives a TTY exec one output stream and takes resizes', async () => {
    const f = ctx.fixture();
    const { id } = await ctx.runContainer({});
    const session = await f.runtime.exec(id, { cmd: ['sh', '-c', 'echo hi'], tty: true });
    await session.resize({ width: 100, height: 30 }).catch(() => {});
    const [out, err] = await Promise.all([readAll(session.stdout), readAll(session.stderr)]);
    expect(out.replace(/\r/g, '')).toBe('hi\n');
    expect(err).toBe('');
    expect(await session.exitCode).toBe(0);
  });

  it('kills an exec whose session is closed before it ends', async () => {
    const f = ctx.fixture();
    const { id } = await ctx.runContainer({});
    const session = await f.runtime.exec(id, { cmd: ['sleep', '300'] });
    session.stdout.resume();
    session.stderr.resume();
    await session.close();
    expect(await session.exitCode).not.toBe(0);
  });

  it('forwards a port in the pod network namespace', async () => {
    const f = ctx.fixture();
    const { sandbox } = await ctx.runContainer({ httpPort: 8080 });
    let answer = '';
    await ctx.eventually(async () => {
      const stream = await f.runtime.portForward(sandbox.id, 8080);
      const reply = readAll(stream);
      stream.end('GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n');
      answer = await reply;
      expect(answer).toMatch(/^HTTP\/1\.[01] 200/);
    });
  });

  it('streams stats samples until aborted', async () => {
    const f = ctx.fixture();
    const { id } = await ctx.runContainer({});
    const stop = new AbortController();
    const samples: number[] = [];
    const reading = (async () => {
      for await (const s of f.runtime.streamContainerStats(id, { signal: stop.signal, intervalMs: 500 })) {
        expect(s.attributes.id).toBe(id);
        samples.push(s.memory.workingSetBytes);
        if (samples.length === 2) stop.abort();
      }
    })();
    await ctx.eventually(async () => expect(samples.length).toBe(2));
    await reading;
    expect(samples.every((b) => b > 0)).toBe(true);
  });

  it('times log lines and applies sinceMs and limitBytes', async () => {
    const f = ctx.fixture();
    const { id } = await ctx.runContainer({ logs: ['one', 'two', 'three'] });
    const read = async (options: { sinceMs?: number; limitBytes?: number; timestamps?: boolean }) => {
      const lines: { text: string; time?: number }[] = [];
      for await (const l of f.runtime.containerLogs(id, options)) lines.push(l);
      return lines;
    };
    await ctx.eventually(async () => expect((await read({})).map((l) => l.text)).toEqual(['one', 'two', 'three']));
    const all = await read({ timestamps: true });
    expect(all.every((l) => (l.time ?? 0) > 0)).toBe(true);
    expect((await read({ limitBytes: 6 })).map((l) => l.text)).toEqual(['one', 'tw']);
    expect(await read({ sinceMs: Math.max(...all.map((l) => l.time ?? 0)) + 60_000 })).toEqual([]);
    expect(await read({ sinceMs: Math.min(...all.map((l) => l.time ?? 0)) })).toHaveLength(3);
  });
}
