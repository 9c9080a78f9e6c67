import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldSet } from '../../src/patch/apply/field-set.js';
import { fieldsV1Of } from '../../src/patch/apply/fields-v1-of.js';
import { pod, podSchema, skips } from './pod-arbitrary.js';

describe('fieldsV1Of (a create owning its whole object)', () => {
  it.each(
    Object.entries(skips),
  )('gives the tree FieldSet.of(...).toFieldsV1() gives, byte for byte, skipping %s (fast-check)', (_, skip) => {
    fc.assert(
      fc.property(pod, (obj) => {
        // Lists of unique items: a list with two items of one key is declined (below) and left to the set.
        const direct = fieldsV1Of(obj, podSchema, skip);
        expect(JSON.stringify(direct)).toBe(JSON.stringify(FieldSet.of(obj, podSchema, skip).toFieldsV1()));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    { name: 'two containers of one name', spec: { containers: [{ name: 'a' }, { name: 'a', image: 'x' }] } },
    { name: 'a finalizer twice', metadata: { finalizers: ['a', 'a'] } },
  ])('declines a list holding two items of one key ($name): the set merges them', (obj) => {
    expect(fieldsV1Of(obj, podSchema, skips.nothing!)).toBeUndefined();
  });

  it('an object whose fields are all skipped owns nothing', () => {
    expect(
      fieldsV1Of(
        { metadata: { name: 'p' }, status: { phase: 'Running' } },
        podSchema,
        skips['status and metadata.name']!,
      ),
    ).toEqual({});
  });
});
