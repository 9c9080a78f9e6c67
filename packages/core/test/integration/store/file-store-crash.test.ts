import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, takeWhile, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore, type KubeObject, type WatchEvent } from '../../../src/index.js';
import { type AckedWrite, crashStoreOptions, writerContent } from './file-store-crash-model.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = 20;

/**
 * Starts the writer child on `dir`, lets it write until it has reported
 * `acksBeforeKill` acknowledged writes (a random point: more are in flight),
 * SIGKILLs it, and returns every ack it printed in whole lines.
 */
function writeThenKill(dir: string, acksBeforeKill: number): Promise<AckedWrite[]> {
  // node itself with tsx as a loader (not the tsx wrapper), so that SIGKILL reaches the writing process.
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'file-store-writer.ts'), dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: AckedWrite[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line !== 'ready') acks.push(JSON.parse(line) as AckedWrite);
    }
    if (acks.length >= acksBeforeKill) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`the writer exited by itself (code ${code}): ${stderr.slice(-3000)}`));
    }),
  );
}

/** What an acked write must read back as. */
function expectedObject(ack: AckedWrite): Record<string, string> {
  return writerContent(ack.name, ack.seq, ack.size);
}

/** An object is a whole write of the child: its content is exactly what `writerContent` gives for its seq. */
function isWholeWrite(object: KubeObject): boolean {
  const data = object.data as Record<string, string>;
  return (
    JSON.stringify(data) === JSON.stringify(writerContent(data.name, Number(data.seq), data.body.length)) &&
    data.name === object.metadata.name
  );
}

describe('FileStore crash safety: a writer SIGKILLed at random moments, 20 times', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-store-crash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write with its content and revision, nothing half-done, and watches resume with no gap', async () => {
    const acked = new Map<number, AckedWrite>();
    const latestByName = new Map<string, AckedWrite>();
    let lastSeen = '1';
    for (let run = 0; run < runs; run++) {
      const acks = await writeThenKill(dir, 50 + Math.floor(Math.random() * 3000));
      for (const a of acks) {
        acked.set(a.revision, a);
        const latest = latestByName.get(a.name);
        if (!latest || latest.revision < a.revision) latestByName.set(a.name, a);
      }

      const store = await FileStore.open(dir, crashStoreOptions);
      try {
        const current = await store.currentRevision();
        const maxAcked = Math.max(...acked.keys());
        // The revision never goes back past anything acknowledged.
        expect(Number(current)).toBeGreaterThanOrEqual(maxAcked);

        // Resume the watch from the last revision seen before this crash: every revision since, in order, no gap.
        const events: WatchEvent[] =
          current === lastSeen
            ? []
            : await firstValueFrom(
                store.watch('configmaps', { resourceVersion: lastSeen }).pipe(
                  takeWhile((e) => e.object.metadata.resourceVersion !== current, true),
                  toArray(),
                ),
              );
        const revisions = events.map((e) => Number(e.object.metadata.resourceVersion));
        expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => Number(lastSeen) + 1 + i));
        for (const e of events) {
          expect(isWholeWrite(e.object), `revision ${e.object.metadata.resourceVersion} is a whole write`).toBe(true);
          const ack = acked.get(Number(e.object.metadata.resourceVersion));
          if (!ack) continue; // durable but killed before it was reported: allowed, it is whole
          expect(e.type).toBe(ack.type);
          expect(e.object.metadata.name).toBe(ack.name);
          if (ack.type !== 'DELETED') expect(e.object.data).toEqual(expectedObject(ack));
        }
        // Every acknowledged write since the last restart is among them.
        for (const rev of acked.keys()) {
          if (rev > Number(lastSeen)) expect(revisions, `acked revision ${rev}`).toContain(rev);
        }

        // The current state holds every object at (or after) its newest acknowledged write, with that content.
        const { items } = await store.list('configmaps');
        const byName = new Map(items.map((o) => [o.metadata.name, o]));
        for (const o of items) expect(isWholeWrite(o)).toBe(true);
        for (const [name, ack] of latestByName) {
          const object = byName.get(name);
          if (object && Number(object.metadata.resourceVersion) === ack.revision) {
            expect(ack.type).not.toBe('DELETED');
            expect(object.data).toEqual(expectedObject(ack));
          } else if (object) {
            expect(Number(object.metadata.resourceVersion)).toBeGreaterThan(ack.revision);
          } else {
            // Gone: deleted by this ack or by a later write that was durable but not reported.
            expect(ack.type === 'DELETED' || Number(current) > ack.revision).toBe(true);
          }
        }
        lastSeen = current;
      } finally {
        await store.close();
      }
    }
    // The runs crossed snapshots, so recovery from a snapshot plus log was exercised too.
    const snapshots = (await readdir(dir)).filter((n) => n.startsWith('snapshot-'));
    expect(snapshots.some((n) => n !== 'snapshot-0000000000000001.snap')).toBe(true);
  }, 900_000);
});
