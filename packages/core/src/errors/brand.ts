/**
 * Error classes that are recognised across copies of a package.
 *
 * An application can load two copies of `@flotilla/core` at once (its ESM
 * build through `import`, its CommonJS build through a dependency's
 * `require`). Each copy has its own classes, so a plain `instanceof` says
 * "no" to an error thrown by the other copy. Branded classes fix that:
 * every instance carries the brands of its class chain under a key made
 * with `Symbol.for` (one key for every copy in the process), and
 * `instanceof` on a branded class checks the brand.
 *
 * The pattern, for a new error class (see `ApiError` and its subclasses):
 * extend a branded class and give the new class its own brand,
 *
 * ```ts
 * export class GoneError extends ApiError {
 *   static override readonly brand: string = 'flotilla.GoneError';
 * }
 * ```
 *
 * and `instanceof GoneError`, `isReason(err, ...)` and `catch` checks work
 * across copies. A root class (not extending a branded one) also calls
 * `brandError(this, new.target)` in its constructor, and
 * `recogniseByBrand(RootClass)` once after its declaration.
 *
 * Caveats: a subclass without its own `brand` (a user's, say) is checked by
 * the prototype chain as usual; brands are plain names, so two classes must
 * never share one.
 */
const BRANDS = Symbol.for('flotilla.error.brands');

/** A class with its own `brand`: the name its instances are recognised by in every copy of the package. */
export interface BrandedClass {
  readonly brand: string;
}

const ownBrand = (cls: unknown): string | undefined =>
  typeof cls === 'function' && Object.hasOwn(cls, 'brand') ? (cls as unknown as BrandedClass).brand : undefined;

/**
 * Stamps `err` with the brands of `leaf` (pass `new.target`) and of each
 * class it extends. Called once, by the constructor of a root branded class.
 */
export function brandError(err: Error, leaf: abstract new (...args: never[]) => unknown): void {
  const brands: string[] = [];
  for (let cls: unknown = leaf; typeof cls === 'function'; cls = Object.getPrototypeOf(cls)) {
    const brand = ownBrand(cls);
    if (brand !== undefined) brands.push(brand);
  }
  Object.defineProperty(err, BRANDS, { value: brands, enumerable: false });
}

/** `value instanceof cls` by brand; a class without its own brand is checked by the prototype chain. */
function isBranded(cls: unknown, value: unknown): boolean {
  const brand = ownBrand(cls);
  if (brand === undefined) return Function.prototype[Symbol.hasInstance].call(cls, value);
  if (typeof value !== 'object' || value === null) return false;
  const brands: unknown = (value as { [BRANDS]?: unknown })[BRANDS];
  return Array.isArray(brands) && brands.includes(brand);
}

/**
 * Makes `instanceof` on `root` and on every class extending it check
 * brands, so that `err instanceof NotFoundError` holds for a NotFoundError
 * from any copy of the package.
 */
export function recogniseByBrand(root: abstract new (...args: never[]) => unknown): void {
  // A plain function, not a static method: bundlers may rewrite `this` in static methods to the class itself,
  // which would make every subclass test for the root's brand.
  Object.defineProperty(root, Symbol.hasInstance, {
    value: function hasBrandedInstance(this: unknown, value: unknown): boolean {
      return isBranded(this, value);
    },
  });
}
