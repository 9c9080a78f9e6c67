import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdHandle, startEtcd } from '../../../../../scripts/etcd.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A candidate process and the lines it printed, with when they arrived. */
interface Candidate {
  child: ChildProcess;
  lines: { text: string; at: number }[];
  exited: Promise<void>;
}

function spawnCandidate(identity: string, endpoints: string[]): Candidate {
  // node itself with tsx as a loader (not the tsx wrapper), so that SIGKILL reaches the process that holds the lease.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'leader-candidate.ts'), identity, ...endpoints],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Candidate['lines'] = [];
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const text of chunk.split('\n').filter(Boolean)) lines.push({ text, at: Date.now() });
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code && code !== 0) lines.push({ text: `EXIT ${code}: ${stderr.slice(-2000)}`, at: Date.now() });
      else lines.push({ text: `EXIT ${signal ?? code}`, at: Date.now() });
      resolve();
    }),
  );
  return { child, lines, exited };
}

/** Polls a candidate's output for a line (integration test: real time is what is under test). */
async function waitForLine(c: Candidate, text: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = c.lines.find((l) => l.text === text);
    if (hit) return hit.at;
    const exit = c.lines.find((l) => l.text.startsWith('EXIT'));
    if (exit) throw new Error(`candidate exited before printing "${text}": ${exit.text}`);
    if (Date.now() > deadline)
      throw new Error(`no "${text}" within ${timeoutMs} ms; output: ${JSON.stringify(c.lines)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('leader election across processes on a real etcd', () => {
  let etcd: EtcdHandle;
  const candidates: Candidate[] = [];

  beforeAll(async () => {
    etcd = await startEtcd();
  });

  afterAll(async () => {
    for (const c of candidates) c.child.kill('SIGKILL');
    await Promise.all(candidates.map((c) => c.exited));
    await etcd?.stop();
  });

  it('the standby takes over after the leader process is killed, and never leads while it lives', async () => {
    const a = spawnCandidate('a', etcd.endpoints);
    candidates.push(a);
    await waitForLine(a, 'LEADING a', 30_000);
    const b = spawnCandidate('b', etcd.endpoints);
    candidates.push(b);
    await waitForLine(b, 'READY b', 30_000);
    // Several lease durations with the leader alive: b must stay standby.
    await new Promise((r) => setTimeout(r, 5000));
    expect(b.lines.some((l) => l.text === 'LEADING b')).toBe(false);
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    const tookOver = await waitForLine(b, 'LEADING b', 20_000);
    // A killed leader releases nothing, so b had to wait for the 3 s lease to expire from its last observed
    // renewal (at most one renew period and one slow call before the kill): well over 1 s, and within the
    // lease duration plus a few retry periods.
    expect(tookOver - killedAt).toBeGreaterThan(1000);
    expect(tookOver - killedAt).toBeLessThan(10_000);
  });
});
