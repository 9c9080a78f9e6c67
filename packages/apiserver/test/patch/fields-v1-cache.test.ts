import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldsV1Cache } from '../../src/patch/apply/fields-v1-cache.js';
import { fieldsV1Of } from '../../src/patch/apply/fields-v1-of.js';
import { pod, podSchema, skips } from './pod-arbitrary.js';

const spelled = (tree: unknown) => JSON.stringify(tree);

/** The parts of `templatePod` the cases change. */
interface Pod {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    containers: {
      name: string;
      image?: unknown;
      ports?: { containerPort: number; protocol: string }[];
      env?: { name: string; value?: string }[];
    }[];
  };
}

/** A pod like a ReplicaSet's: named `name`, one container with a port and env, labels. */
function templatePod(name: string): Pod & Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' } },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'web:1',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }],
        },
      ],
    },
  };
}

describe('FieldsV1Cache (the fields of creates, kept per kind)', () => {
  it.each(
    Object.entries(skips),
  )('gives what fieldsV1Of gives, byte for byte, for any sequence of pods, skipping %s (fast-check)', (_, skip) => {
    // One cache over every run, so runs meet trees that earlier pods of the same or another shape left.
    const cache = new FieldsV1Cache();
    fc.assert(
      fc.property(fc.array(pod, { minLength: 1, maxLength: 4 }), (pods) => {
        for (const obj of [...pods, ...pods]) {
          expect(spelled(cache.fieldsOf(obj, podSchema, skip))).toBe(spelled(fieldsV1Of(obj, podSchema, skip)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a pod of a kept shape gets the kept tree itself, frozen, whatever its values (an empty object is a value too)', () => {
    const cache = new FieldsV1Cache();
    const first = cache.fieldsOf(templatePod('a'), podSchema, skips.nothing!);
    const again = templatePod('b');
    again.metadata.labels.app = 'other';
    again.spec.containers[0]!.image = {};
    expect(cache.fieldsOf(again, podSchema, skips.nothing!)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it.each([
    { what: 'a label more', change: (p: Pod) => (p.metadata.labels.tier = 'x') },
    { what: 'a label fewer', change: (p: Pod) => delete p.metadata.labels.app },
    { what: 'another container name (a list item key)', change: (p: Pod) => (p.spec.containers[0]!.name = 'api') },
    {
      what: 'another port protocol (part of a port key)',
      change: (p: Pod) => (p.spec.containers[0]!.ports![0]!.protocol = 'UDP'),
    },
    { what: 'an env list emptied (owns no env)', change: (p: Pod) => (p.spec.containers[0]!.env = []) },
    { what: 'an env item with no value', change: (p: Pod) => delete p.spec.containers[0]!.env![0]!.value },
    { what: 'a second container', change: (p: Pod) => p.spec.containers.push({ name: 'side' }) },
    { what: 'a scalar turned into an object', change: (p: Pod) => (p.spec.containers[0]!.image = { a: 1 }) },
    { what: 'an empty spec', change: (p: Pod) => ((p as { spec: object }).spec = {}) },
    {
      what: 'two containers of one name (declined: undefined)',
      change: (p: Pod) => p.spec.containers.push({ name: 'web' }),
    },
  ])('a pod of another shape than the kept one gets its own tree: $what', ({ change }) => {
    const cache = new FieldsV1Cache();
    const kept = cache.fieldsOf(templatePod('a'), podSchema, skips.nothing!);
    const other = templatePod('b');
    change(other);
    const tree = cache.fieldsOf(other, podSchema, skips.nothing!);
    expect(tree).not.toBe(kept);
    expect(spelled(tree)).toBe(spelled(fieldsV1Of(other, podSchema, skips.nothing!)));
  });

  it.each([
    { what: 'a pod of 10 env vars (about 50 fields) is kept', envs: 10, kept: true },
    { what: 'a pod of 1,000 env vars (about 4,000 fields) is shared but not kept', envs: 1000, kept: false },
  ])('$what', ({ envs, kept }) => {
    const cache = new FieldsV1Cache();
    const withEnv = (name: string) => {
      const p = templatePod(name);
      p.spec.containers[0]!.env = Array.from({ length: envs }, (_, i) => ({ name: `E${i}`, value: 'v' }));
      return p;
    };
    const first = cache.fieldsOf(withEnv('a'), podSchema, skips.nothing!);
    const second = cache.fieldsOf(withEnv('b'), podSchema, skips.nothing!);
    expect(Object.isFrozen(first)).toBe(true);
    expect(second === first).toBe(kept);
    expect(spelled(second)).toBe(spelled(fieldsV1Of(withEnv('b'), podSchema, skips.nothing!)));
  });
});
