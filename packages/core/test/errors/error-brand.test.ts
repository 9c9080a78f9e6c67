import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import { ApiError, ConflictError, isReason, NotFoundError, TerminalError } from '../../src/index.js';

type ErrorsModule = typeof import('../../src/errors/api-errors.js');

/** A second instance of the errors module, as a second copy of the package (ESM + CJS in one process) would have. */
async function secondCopy(): Promise<ErrorsModule> {
  const path = '../../src/errors/api-errors.js?second-copy';
  return (await import(/* @vite-ignore */ path)) as ErrorsModule;
}

const target = { resource: 'pods', namespace: 'default', name: 'web' };

describe('Flotilla errors are recognised across copies of the package', () => {
  it('a second copy has its own classes, which plain prototype checks do not recognise', async () => {
    const other = await secondCopy();
    expect(other.NotFoundError).not.toBe(NotFoundError);
    const foreign = new other.NotFoundError(target);
    expect(Function.prototype[Symbol.hasInstance].call(NotFoundError, foreign)).toBe(false);
  });

  it('instanceof and isReason recognise an error thrown by the other copy, by its brand', async () => {
    const other = await secondCopy();
    const foreign = new other.NotFoundError(target);
    expect(foreign instanceof NotFoundError).toBe(true);
    expect(foreign instanceof ApiError).toBe(true);
    expect(foreign instanceof ConflictError).toBe(false);
    expect(foreign instanceof Error).toBe(true);
    expect(isReason(foreign, 'NotFound')).toBe(true);
    expect(new NotFoundError(target) instanceof other.NotFoundError).toBe(true);
    expect(new ConflictError(target) instanceof other.NotFoundError).toBe(false);
  });

  it('values that are not errors are not instances', () => {
    for (const value of [undefined, null, 'NotFound', 404, {}, new Error('x'), { reason: 'NotFound' }]) {
      expect(value instanceof ApiError).toBe(false);
    }
  });

  it('a subclass without a brand of its own (a user class) is checked by its prototype chain', () => {
    class MyError extends ApiError {}
    const mine = new MyError('BadRequest', 'mine');
    expect(mine instanceof MyError).toBe(true);
    expect(mine instanceof ApiError).toBe(true);
    expect(new NotFoundError(target) instanceof MyError).toBe(false);
  });

  it('every branded error class core exports has a brand of its own, and no two share one', () => {
    const branded = (value: unknown) =>
      typeof value === 'function' &&
      [ApiError, TerminalError].some((root) => value === root || Object.prototype.isPrototypeOf.call(root, value));
    const classes = Object.entries(core).filter(([, value]) => branded(value)) as [string, { brand?: string }][];
    expect(classes.map(([name]) => name)).toContain('TerminalError');
    const brands = classes.map(([name, cls]) => [name, Object.hasOwn(cls, 'brand') ? cls.brand : undefined]);
    expect(brands.filter(([, brand]) => brand === undefined)).toEqual([]);
    expect(new Set(brands.map(([, brand]) => brand)).size).toBe(brands.length);
    expect(new TerminalError('bad spec') instanceof TerminalError).toBe(true);
  });
});
