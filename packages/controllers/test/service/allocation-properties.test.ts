import { FakeClock, MemoryStore, type Service } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/service/bitmap.js';
import { allocatingApi, service } from './service-fixtures.js';

type Command =
  | { op: 'create'; names: string[]; nodePort: boolean; requestIp?: number; requestPort?: number }
  | { op: 'delete'; index: number }
  | { op: 'restart' };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    op: fc.constant('create' as const),
    names: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { minLength: 1, maxLength: 4 }),
    nodePort: fc.boolean(),
    requestIp: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
    requestPort: fc.option(fc.integer({ min: 30000, max: 30011 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('delete' as const), index: fc.nat() }),
  fc.constant({ op: 'restart' as const }),
);

/** Distinct values held by the live services, or the duplicate found. */
function assertUnique(services: readonly Service[]): void {
  const seen = new Set<string>();
  for (const s of services) {
    const held = [
      ...(s.spec.clusterIP && s.spec.clusterIP !== 'None' ? [`ip ${s.spec.clusterIP}`] : []),
      ...(s.spec.ports ?? []).flatMap((p) => (p.nodePort ? [`port ${p.nodePort}`] : [])),
    ];
    for (const h of held) {
      expect(seen.has(h), `${h} handed out twice`).toBe(false);
      seen.add(h);
    }
  }
}

describe('allocator properties', () => {
  it('never hands out an IP or a port twice, across concurrent creates, deletes and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const store = new MemoryStore();
        const clock = new FakeClock();
        // A small /28 (14 addresses) and 10 ports, so that ranges fill up and requests collide.
        const sized = () => allocatingApi(store, clock, '198.18.0.0/28', '30000-30009');
        let current = sized();
        try {
          for (const c of commands) {
            if (c.op === 'restart') {
              current.stop();
              current = sized();
            } else if (c.op === 'delete') {
              const { items } = await current.services.list();
              if (items.length > 0)
                await current.services.delete('default', items[c.index % items.length].metadata.name);
            } else {
              await Promise.allSettled(
                c.names.map((n, i) =>
                  current.services.create(
                    service(`${n}${i}`, {
                      type: c.nodePort ? 'NodePort' : 'ClusterIP',
                      clusterIP: c.requestIp ? `198.18.0.${c.requestIp}` : undefined,
                      ports: [{ port: 80, nodePort: c.nodePort ? c.requestPort : undefined }],
                    }),
                  ),
                ),
              );
            }
            await clock.flush();
            assertUnique((await current.services.list()).items);
          }
        } finally {
          current.stop();
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a bitmap finds every clear bit and never returns a set one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(), { maxLength: 300 }), (size, ops) => {
        const bitmap = new Bitmap(size);
        const model = new Set<number>();
        for (const op of ops) {
          const i = op % size;
          if (op % 3 === 0) {
            bitmap.clear(i);
            model.delete(i);
          } else {
            const next = bitmap.nextClear(i);
            if (model.size === size) expect(next).toBeUndefined();
            else {
              expect(next).toBeDefined();
              expect(model.has(next!)).toBe(false);
              bitmap.set(next!);
              model.add(next!);
            }
          }
          expect(bitmap.used).toBe(model.size);
        }
      }),
    );
  });
});
