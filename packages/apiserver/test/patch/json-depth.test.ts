import { describe, expect, it } from 'vitest';
import { assertJsonDepth } from '../../src/patch/json-depth.js';
import { PatchError } from '../../src/patch/patch-error.js';

/** `{ a: { a: ... leaf } }`, `levels` objects deep. */
function nested(levels: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('assertJsonDepth', () => {
  it.each([
    ['a scalar', 1, 0],
    ['an empty object at the bound', {}, 1],
    ['objects up to the bound', nested(3), 3],
    ['arrays up to the bound', [[[1]]], 3],
  ])('accepts %s', (_name, value, maxDepth) => {
    expect(() => assertJsonDepth(value, maxDepth)).not.toThrow();
  });

  it.each([
    ['one object past the bound', nested(4), 3, '/a/a/a'],
    ['an array inside, named by index', { a: [1, { b: [[]] }] }, 3, '/a/1/b'],
    ['the last member first, as kube-apiserver reports one path', { x: [[[]]], y: [[[]]] }, 3, '/y/0/0'],
    ['a long path cut after eight keys', nested(12), 10, '/a/a/a/a/a/a/a/a/...'],
  ])('refuses %s with a typed error naming its path', (_name, value, maxDepth, pointer) => {
    const refused = (() => {
      try {
        assertJsonDepth(value, maxDepth, 'object');
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(PatchError);
    expect(refused).toMatchObject({ code: 400, message: expect.stringContaining(`nested deeper than ${maxDepth}`) });
    expect((refused as PatchError).path).toBe(pointer);
  });

  it('walks 8,000 levels without a RangeError', () => {
    expect(() => assertJsonDepth(nested(8000))).toThrow(PatchError);
  });
});
