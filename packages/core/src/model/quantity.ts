import { BadRequestError } from '../errors/api-errors.js';
import type { QuantityValue } from './core-v1.js';

/**
 * How a quantity prints, remembered from how it was written (as Kubernetes'
 * `resource.Format`): `1Gi` stays binary, `1G` decimal, `1e9` exponent.
 */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const NANO_PER_UNIT = 1_000_000_000n;
/** Guard against `1e999999999`: Kubernetes quantities never need more (int64 tops out near 9.2E). */
const MAX_ABS_EXPONENT = 60;
const MAX_MANTISSA_DIGITS = 100;

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByPower = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const quantityRe = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;
const exponentRe = /^[eE]([+-]?\d+)$/;

const pow10 = (n: number) => 10n ** BigInt(n);

/** Divides rounding away from zero, as Kubernetes does when it drops precision below a nano-unit. */
function divAwayFromZero(num: bigint, den: bigint): bigint {
  const q = num / den;
  return q * den === num ? q : num < 0n ? q - 1n : q + 1n;
}

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
/** The largest binary amount Kubernetes keeps (its parser caps BinarySI at int64). */
const MAX_INT64_NANOS = MAX_INT64 * NANO_PER_UNIT;

function badQuantity(text: string, why: string): BadRequestError {
  return new BadRequestError(
    `quantity "${text}" is invalid: ${why}; write a number with an optional suffix, e.g. 500m, 2, 1.5Gi, 128Mi, 1G, 1e3`,
  );
}

/** How many distinct quantity strings `Quantity.parse` remembers. */
const PARSED_CACHE_SIZE = 4096;
/** Parsed quantities by text: safe to share because a Quantity is immutable. */
const parsedCache = new Map<string, Quantity>();

/**
 * An exact Kubernetes resource quantity (`k8s.io/apimachinery/pkg/api/resource.Quantity`).
 *
 * Guarantees: the amount is held as an integer count of nano-units (bigint),
 * so `0.1 + 0.2` is exactly `300m` and sums never drift. Precision finer than
 * 1n is rounded away from zero at parse time, as Kubernetes does.
 * `toString()` is Kubernetes' canonical form: no fractional digits, the
 * largest suffix that loses nothing, and the written format kept (`1.5Gi` ->
 * `1536Mi`, `1.5` -> `1500m`, `1e3` -> `1e3`).
 *
 * Instances are immutable, and `parse` returns a shared instance for text it
 * has parsed recently, so parsing the same few amounts over and over is cheap.
 *
 * Caveats: exponents beyond ±60 are rejected (Kubernetes cannot hold them in
 * an int64 either). On hot paths prefer `parseMilli` / `parseValue`.
 */
export class Quantity {
  private constructor(
    /** The amount in nano-units (1e-9). */
    readonly nanos: bigint,
    readonly format: QuantityFormat,
  ) {}

  /** The zero quantity. */
  static readonly zero = new Quantity(0n, 'DecimalSI');

  /**
   * Parses a quantity as written in a manifest (`'500m'`, `'1.5Gi'`, `2`, `'1e3'`).
   *
   * @throws BadRequestError naming the text and showing valid forms.
   */
  static parse(v: QuantityValue): Quantity {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw badQuantity(String(v), 'not a finite number');
      return Quantity.parse(String(v));
    }
    if (typeof v !== 'string') throw badQuantity(String(v), 'not a string or number');
    const cached = parsedCache.get(v);
    if (cached) return cached;
    const q = Quantity.parseText(v);
    // Clearing (rather than evicting one by one) keeps the cache trivially bounded; cluster
    // quantities repeat so much ('100m', '128Mi') that it refills with the hot ones at once.
    if (parsedCache.size >= PARSED_CACHE_SIZE) parsedCache.clear();
    parsedCache.set(v, q);
    return q;
  }

  private static parseText(text: string): Quantity {
    const m = quantityRe.exec(text);
    if (!m) throw badQuantity(text, 'unreadable');
    const [, sign, intPart = '', fracPart = '', suffix = ''] = m;
    if (intPart.length + fracPart.length === 0) throw badQuantity(text, 'no digits');
    if (intPart.length + fracPart.length > MAX_MANTISSA_DIGITS) throw badQuantity(text, 'too many digits');
    let num = BigInt(intPart + fracPart || '0') * (sign === '-' ? -1n : 1n);
    let den = pow10(fracPart.length);
    let format: QuantityFormat;
    let exp10: number;
    if (suffix in binarySuffixes) {
      format = 'BinarySI';
      num *= 1n << BigInt(binarySuffixes[suffix]!);
      exp10 = 0;
    } else if (suffix in decimalSuffixes) {
      format = 'DecimalSI';
      exp10 = decimalSuffixes[suffix]!;
    } else {
      const e = exponentRe.exec(suffix);
      if (!e) throw badQuantity(text, `unknown suffix "${suffix}"`);
      exp10 = Number(e[1]);
      if (Math.abs(exp10) > MAX_ABS_EXPONENT) throw badQuantity(text, `exponent beyond ±${MAX_ABS_EXPONENT}`);
      format = 'DecimalExponent';
    }
    const shift = exp10 + 9;
    if (shift >= 0) num *= pow10(shift);
    else den *= pow10(-shift);
    let nanos = divAwayFromZero(num, den);
    if (format === 'BinarySI') {
      // Kubernetes caps binary amounts at int64 and prints a binary amount below one unit in decimal.
      if (nanos > MAX_INT64_NANOS) nanos = MAX_INT64_NANOS;
      else if (nanos < -MAX_INT64_NANOS) nanos = -MAX_INT64_NANOS;
      if (nanos !== 0n && nanos > -NANO_PER_UNIT && nanos < NANO_PER_UNIT) format = 'DecimalSI';
    }
    return new Quantity(nanos, format);
  }

  /** A quantity of `milli` thousandths, printed in decimal SI (CPU amounts). */
  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli) * 1_000_000n, format);
  }

  /** A quantity of whole units (`format` BinarySI for byte counts). */
  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value) * NANO_PER_UNIT, format);
  }

  /**
   * The amount in thousandths, rounded away from zero and clamped to int64
   * (Kubernetes' `MilliValue()`), e.g. CPU millicores. Beyond 2^53 the
   * number is approximate; `scaledValue(-3)` is exact.
   */
  milliValue(): number {
    return Number(this.scaledValue(-3));
  }

  /** The amount in whole units, rounded away from zero and clamped to int64 (Kubernetes' `Value()`), e.g. bytes. */
  value(): number {
    return Number(this.scaledValue(0));
  }

  /**
   * Kubernetes' `ScaledValue(scale)`: the amount in units of 10^scale
   * (`-3` milli, `3` kilo), rounded away from zero, clamped to
   * [-2^63, 2^63 - 1] as Kubernetes' accessors saturate.
   */
  scaledValue(scale: number): bigint {
    const shift = scale + 9;
    const v = shift >= 0 ? divAwayFromZero(this.nanos, pow10(shift)) : this.nanos * pow10(-shift);
    return v > MAX_INT64 ? MAX_INT64 : v < MIN_INT64 ? MIN_INT64 : v;
  }

  /**
   * Kubernetes' `AsApproximateFloat64()`, computed the same way (the digits
   * as a double times a power of ten), so it agrees with Kubernetes to the
   * last bit rather than being the nearest double.
   */
  asApproximateFloat64(): number {
    let mantissa = this.nanos;
    let exp = -9;
    while (mantissa !== 0n && mantissa % 10n === 0n) {
      mantissa /= 10n;
      exp++;
    }
    const base = Number(mantissa);
    if (exp === 0 || mantissa === 0n) return base;
    return exp > 0 ? base * 10 ** exp : base * (1 / 10 ** -exp);
  }

  /**
   * Kubernetes' `RoundUp(scale)`: the amount rounded away from zero to a
   * multiple of 10^scale (`0` whole units, `-3` millis), same format.
   * Compare with the original (`cmp`) to know whether precision was lost.
   */
  roundUp(scale: number): Quantity {
    const shift = scale + 9;
    if (shift <= 0) return this;
    const unit = pow10(shift);
    return new Quantity(divAwayFromZero(this.nanos, unit) * unit, this.format);
  }

  /** The negated amount, same format (Kubernetes' `Neg()`). */
  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /** The amount times an integer, exact, same format (Kubernetes' `Mul(b)`, which promotes rather than overflows). */
  mul(factor: number | bigint): Quantity {
    return new Quantity(this.nanos * BigInt(factor), this.format);
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0;
  }

  /** True when the amount is zero. */
  isZero(): boolean {
    return this.nanos === 0n;
  }

  /** The exact sum; keeps this quantity's format (or `other`'s if this is zero, as Kubernetes does). */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.nanos === 0n ? other.format : this.format);
  }

  /** The exact difference; keeps this quantity's format (or `other`'s if this is zero). */
  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.nanos === 0n ? other.format : this.format);
  }

  /** Kubernetes' canonical text for this quantity. */
  toString(): string {
    const n = this.nanos;
    if (n === 0n) return '0';
    const abs = n < 0n ? -n : n;
    if (this.format === 'BinarySI' && abs >= 1024n * NANO_PER_UNIT && abs % NANO_PER_UNIT === 0n) {
      let units = n / NANO_PER_UNIT;
      let power = 0;
      while (power < 6 && units % 1024n === 0n) {
        units /= 1024n;
        power++;
      }
      return `${units}${binarySuffixByPower[power]}`;
    }
    let mantissa = n;
    let exp = -9;
    while (mantissa % 1000n === 0n) {
      mantissa /= 1000n;
      exp += 3;
    }
    // Past E (10^18) there is no suffix: Kubernetes then writes the exponent (`1000E` is `1e21`).
    if (this.format === 'DecimalExponent' || exp > 18) return exp === 0 ? `${mantissa}` : `${mantissa}e${exp}`;
    return `${mantissa}${decimalSuffixByExponent.get(exp)}`;
  }

  /** The canonical text, so quantities serialise as Kubernetes writes them. */
  toJSON(): string {
    return this.toString();
  }
}

/** Multipliers (in milli-units) of the suffixes the fast path handles with plain numbers. */
const fastMilliMultiplier: Record<string, number> = {
  m: 1,
  '': 1e3,
  k: 1e6,
  M: 1e9,
  G: 1e12,
  T: 1e15,
  Ki: 1024e3,
  Mi: 1024 ** 2 * 1e3,
  Gi: 1024 ** 3 * 1e3,
  Ti: 1024 ** 4 * 1e3,
};
const fastRe = /^(\d{1,15})(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** Milli-units via plain integer arithmetic when that is exact, else `undefined`. */
function fastMilli(v: QuantityValue): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && Number.isSafeInteger(v * 1000) ? v * 1000 : undefined;
  const m = fastRe.exec(v);
  if (!m) return undefined;
  const milli = Number(m[1]) * fastMilliMultiplier[m[2] ?? '']!;
  return Number.isSafeInteger(milli) ? milli : undefined;
}

/**
 * Milli-units of a quantity, rounded up: `parseMilli('100m') === 100`,
 * `parseMilli(2) === 2000`. Same answer as `Quantity.parse(v).milliValue()`,
 * without allocating for the common forms (integer with a usual suffix).
 *
 * @throws BadRequestError for invalid text.
 */
export function parseMilli(v: QuantityValue): number {
  return fastMilli(v) ?? Quantity.parse(v).milliValue();
}

/**
 * Whole units of a quantity, rounded up: `parseValue('128Mi') === 134217728`,
 * `parseValue('100m') === 1`. Same answer as `Quantity.parse(v).value()`.
 *
 * @throws BadRequestError for invalid text.
 */
export function parseValue(v: QuantityValue): number {
  const milli = fastMilli(v);
  return milli === undefined ? Quantity.parse(v).value() : Math.ceil(milli / 1000);
}
