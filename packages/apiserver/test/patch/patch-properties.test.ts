import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyStrategicMergePatch, serverSideApply } from '../../src/patch/index.js';

const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const stringMap = fc.dictionary(key, fc.string({ maxLength: 8 }), { maxKeys: 4 });
const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean());

/** Deployments with unique container names and ports, as an apiserver would have stored them. */
const deployment = fc
  .record({
    labels: stringMap,
    replicas: fc.integer({ min: 0, max: 50 }),
    containers: fc.uniqueArray(
      fc.record({
        name: key,
        image: fc.string({ maxLength: 10 }),
        env: fc.uniqueArray(fc.record({ name: key, value: fc.string({ maxLength: 5 }) }), {
          selector: (e) => e.name,
          maxLength: 3,
        }),
      }),
      { selector: (c) => c.name, minLength: 1, maxLength: 3 },
    ),
    extra: fc.dictionary(key, scalar, { maxKeys: 3 }),
  })
  .map(({ labels, replicas, containers, extra }) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels },
    spec: { replicas, ...extra, template: { metadata: { labels }, spec: { containers } } },
  }));

describe('patch invariants (fast-check)', () => {
  it('a strategic merge patch of an object with itself is the object', () => {
    fc.assert(
      fc.property(deployment, (d) => {
        expect(applyStrategicMergePatch(d, d)).toEqual(d);
      }),
    );
  });

  it('an empty JSON patch is the identity, and testing each member of a document passes', () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }), (doc) => {
        expect(applyJsonPatch(doc, [])).toEqual(doc);
        const tests = Object.entries(doc).map(([k, value]) => ({ op: 'test', path: `/${k}`, value }));
        expect(applyJsonPatch(doc, tests)).toEqual(doc);
      }),
    );
  });

  it('adding then removing a member with a JSON patch gives the document back', () => {
    fc.assert(
      fc.property(fc.dictionary(key, scalar, { maxKeys: 5 }), key, scalar, (doc, k, value) => {
        fc.pre(!Object.hasOwn(doc, k));
        const ops = [
          { op: 'add', path: `/${k}`, value },
          { op: 'remove', path: `/${k}` },
        ];
        expect(applyJsonPatch(doc, ops)).toEqual(doc);
      }),
    );
  });

  it('applying the same configuration twice is a no-op; the result holds every applied value', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(deployment, deployment, (first, second) => {
        const created = serverSideApply({ applied: first, fieldManager: 'a', now });
        if (created.outcome !== 'applied') throw new Error('create never conflicts');
        const once = serverSideApply({ live: created.object, applied: second, fieldManager: 'a', now });
        if (once.outcome !== 'applied') throw new Error('one manager never conflicts with itself');
        const twice = serverSideApply({ live: once.object, applied: second, fieldManager: 'a', now });
        expect(twice).toEqual({ ...once, created: false });
        const { template: _template, ...spec } = second.spec;
        expect(once.object.spec).toMatchObject(spec);
        expect((once.object.metadata as { labels: unknown }).labels).toEqual(second.metadata.labels);
      }),
    );
  });
});
