import { describe, expect, it } from 'vitest';
import { Quantity, type QuantityFormat } from '../../src/model/quantity.js';

const nanos = (mantissa: number | bigint, exponent: number) =>
  exponent + 9 >= 0 ? BigInt(mantissa) * 10n ** BigInt(exponent + 9) : BigInt(mantissa) / 10n ** BigInt(-exponent - 9);
const MAX = 2n ** 63n - 1n;
const MIN = -(2n ** 63n);

// Upstream: kubernetes/apimachinery pkg/api/resource/quantity_test.go (TestQuantityParse), as data:
// [input, mantissa, exponent, format] where the amount is mantissa x 10^exponent.
const parseTable: [string, number, number, QuantityFormat][] = [
  ['0', 0, 0, 'DecimalSI'],
  ['0n', 0, 0, 'DecimalSI'],
  ['0u', 0, 0, 'DecimalSI'],
  ['0m', 0, 0, 'DecimalSI'],
  ['0Ki', 0, 0, 'BinarySI'],
  ['0k', 0, 0, 'DecimalSI'],
  ['0Mi', 0, 0, 'BinarySI'],
  ['0M', 0, 0, 'DecimalSI'],
  ['0Gi', 0, 0, 'BinarySI'],
  ['0G', 0, 0, 'DecimalSI'],
  ['0Ti', 0, 0, 'BinarySI'],
  ['0T', 0, 0, 'DecimalSI'],
  ['1', 1, 0, 'DecimalSI'],
  ['1Ki', 1024, 0, 'BinarySI'],
  ['8Ki', 8 * 1024, 0, 'BinarySI'],
  ['7Mi', 7 * 1024 * 1024, 0, 'BinarySI'],
  ['6Gi', 6 * 1024 ** 3, 0, 'BinarySI'],
  ['5Ti', 5 * 1024 ** 4, 0, 'BinarySI'],
  ['4Pi', 4 * 1024 ** 5, 0, 'BinarySI'],
  ['10Ti', 10 * 1024 ** 4, 0, 'BinarySI'],
  ['100Ti', 100 * 1024 ** 4, 0, 'BinarySI'],
  ['5n', 5, -9, 'DecimalSI'],
  ['4u', 4, -6, 'DecimalSI'],
  ['3m', 3, -3, 'DecimalSI'],
  ['9', 9, 0, 'DecimalSI'],
  ['8k', 8, 3, 'DecimalSI'],
  ['50k', 5, 4, 'DecimalSI'],
  ['7M', 7, 6, 'DecimalSI'],
  ['6G', 6, 9, 'DecimalSI'],
  ['5T', 5, 12, 'DecimalSI'],
  ['40T', 4, 13, 'DecimalSI'],
  ['300T', 3, 14, 'DecimalSI'],
  ['2P', 2, 15, 'DecimalSI'],
  ['1E', 1, 18, 'DecimalSI'],
  ['1E-3', 1, -3, 'DecimalExponent'],
  ['1e3', 1, 3, 'DecimalExponent'],
  ['1E6', 1, 6, 'DecimalExponent'],
  ['1e9', 1, 9, 'DecimalExponent'],
  ['1E12', 1, 12, 'DecimalExponent'],
  ['1e15', 1, 15, 'DecimalExponent'],
  ['1E18', 1, 18, 'DecimalExponent'],
  ['1e14', 1, 14, 'DecimalExponent'],
  ['1e13', 1, 13, 'DecimalExponent'],
  ['100.035k', 100035, 0, 'DecimalSI'],
  ['0.001', 1, -3, 'DecimalSI'],
  ['0.0005k', 5, -1, 'DecimalSI'],
  ['0.005', 5, -3, 'DecimalSI'],
  ['0.05', 5, -2, 'DecimalSI'],
  ['0.5', 5, -1, 'DecimalSI'],
  ['0.00050k', 5, -1, 'DecimalSI'],
  ['0.00500', 5, -3, 'DecimalSI'],
  ['0.05000', 5, -2, 'DecimalSI'],
  ['0.50000', 5, -1, 'DecimalSI'],
  ['0.5e0', 5, -1, 'DecimalExponent'],
  ['0.5e-1', 5, -2, 'DecimalExponent'],
  ['0.5e-2', 5, -3, 'DecimalExponent'],
  ['10.035M', 10035, 3, 'DecimalSI'],
  ['1.2e3', 12, 2, 'DecimalExponent'],
  ['1.3E+6', 13, 5, 'DecimalExponent'],
  ['1.40e9', 14, 8, 'DecimalExponent'],
  ['1.53E12', 153, 10, 'DecimalExponent'],
  ['1.6e15', 16, 14, 'DecimalExponent'],
  ['1.7E18', 17, 17, 'DecimalExponent'],
  ['9.01', 901, -2, 'DecimalSI'],
  ['8.1k', 81, 2, 'DecimalSI'],
  ['7.123456M', 7123456, 0, 'DecimalSI'],
  ['6.987654321G', 6987654321, 0, 'DecimalSI'],
  ['5.444T', 5444, 9, 'DecimalSI'],
  ['40.1T', 401, 11, 'DecimalSI'],
  ['300.2T', 3002, 11, 'DecimalSI'],
  ['2.5P', 25, 14, 'DecimalSI'],
  ['1.01E', 101, 16, 'DecimalSI'],
  ['3.001n', 4, -9, 'DecimalSI'],
  ['1.1E-9', 2, -9, 'DecimalExponent'],
  ['0.0000000001', 1, -9, 'DecimalSI'],
  ['0.0000000005', 1, -9, 'DecimalSI'],
  ['0.00000000050', 1, -9, 'DecimalSI'],
  ['0.5e-9', 1, -9, 'DecimalExponent'],
  ['0.9n', 1, -9, 'DecimalSI'],
  ['0.00000012345', 124, -9, 'DecimalSI'],
  ['0.00000012354', 124, -9, 'DecimalSI'],
  ['12E', 12, 18, 'DecimalSI'],
  ['100.035Ki', 10243584, -2, 'BinarySI'],
  ['0.5Mi', 0.5 * 1024 * 1024, 0, 'BinarySI'],
  ['0.05Gi', 536870912, -1, 'BinarySI'],
  ['0.025Ti', 274877906944, -1, 'BinarySI'],
  ['0.000000000001Ki', 2, -9, 'DecimalSI'], // rounds up, changes format
  ['.001', 1, -3, 'DecimalSI'],
  ['.0001k', 100, -3, 'DecimalSI'],
  ['1.', 1, 0, 'DecimalSI'],
  ['1.G', 1, 9, 'DecimalSI'],
];

describe('Quantity.parse (upstream TestQuantityParse)', () => {
  it.each(parseTable)('%j is %d x 10^%d, %s', (input, mantissa, exponent, format) => {
    const q = Quantity.parse(input);
    expect(q.nanos).toBe(nanos(mantissa, exponent));
    expect(q.format).toBe(format);
    expect(Quantity.parse(`-${input}`).nanos).toBe(-nanos(mantissa, exponent));
  });

  it.each(['9Ei', '9223372036854775807Ki'])('%j is capped at int64 (maxAllowed)', (input) => {
    expect(Quantity.parse(input).scaledValue(0)).toBe(MAX);
  });
});

// Upstream: kubernetes/apimachinery pkg/api/resource/quantity_overflow_test.go (the saturating accessors), the
// rows built by parsing: [input, Value, MilliValue, ScaledValue(Kilo), AsApproximateFloat64, String].
// Left out: rows built with NewScaledQuantity / ToDec, and 1e100 (exponents beyond ±60 are refused here).
const accessors: [string, bigint, bigint, bigint, number, string][] = [
  ['9223372036854775807', MAX, MAX, 9223372036854776n, 9.223372036854776e18, '9223372036854775807'],
  ['1E', 1000000000000000000n, MAX, 1000000000000000n, 1e18, '1E'],
  ['8Ei', MAX, MAX, 9223372036854776n, 9.223372036854776e18, '9223372036854775807'],
  ['-8Ei', -MAX, MIN, -9223372036854776n, -9.223372036854776e18, '-9223372036854775807'],
  ['20Ei', MAX, MAX, 9223372036854776n, 9.223372036854776e18, '9223372036854775807'],
  ['-20Ei', -MAX, MIN, -9223372036854776n, -9.223372036854776e18, '-9223372036854775807'],
  ['9223372036854775808', MAX, MAX, 9223372036854776n, 9.223372036854776e18, '9223372036854775808'],
  ['18446744073709551616', MAX, MAX, 18446744073709552n, 1.8446744073709552e19, '18446744073709551616'],
  ['100E', MAX, MAX, 100000000000000000n, 1e20, '100E'],
  ['1000E', MAX, MAX, 1000000000000000000n, 1e21, '1e21'],
  ['5000E', MAX, MAX, 5000000000000000000n, 5e21, '5e21'],
  ['-9223372036854775808', MIN, MIN, -9223372036854776n, -9.223372036854776e18, '-9223372036854775808'],
  ['-9223372036854775807', MIN + 1n, MIN, -9223372036854776n, -9.223372036854776e18, '-9223372036854775807'],
  ['-1e30', MIN, MIN, MIN, -1e30, '-1e30'],
  ['-100E', MIN, MIN, -100000000000000000n, -1e20, '-100E'],
  ['-1000E', MIN, MIN, -1000000000000000000n, -1e21, '-1e21'],
  ['-9.5Gi', -10200547328n, -10200547328000n, -10200548n, -1.0200547328e10, '-9728Mi'],
  ['-9.5000000001Gi', -10200547329n, -10200547328108n, -10200548n, -1.0200547328107376e10, '-10200547328107374183n'],
];

describe('Quantity accessors saturate at int64 (upstream quantity_overflow_test.go)', () => {
  it.each(accessors)('%j', (input, value, milli, kilo, float, text) => {
    const q = Quantity.parse(input);
    expect([q.scaledValue(0), q.scaledValue(-3), q.scaledValue(3)]).toEqual([value, milli, kilo]);
    expect(q.value()).toBe(Number(value));
    expect(q.milliValue()).toBe(Number(milli));
    expect(q.asApproximateFloat64()).toBe(float);
    expect(q.toString()).toBe(text);
  });
});

describe('Quantity arithmetic (RoundUp, Neg, Mul)', () => {
  // Kubernetes' RoundUp: away from zero to a multiple of 10^scale; [input, scale, result, exact].
  it.each<[string, number, string, boolean]>([
    ['100m', -3, '100m', true],
    ['100m', -2, '100m', true],
    ['100m', -1, '100m', true],
    ['100m', 0, '1', false],
    ['1.1', -3, '1100m', true],
    ['1.1', 0, '2', false],
    ['-1.1', 0, '-2', false],
    ['1Gi', 0, '1Gi', true],
  ])('RoundUp(%j, %d) = %j (exact %s)', (input, scale, result, exact) => {
    const q = Quantity.parse(input);
    const r = q.roundUp(scale);
    expect(r.toString()).toBe(result);
    expect(r.cmp(q) === 0).toBe(exact);
  });

  it('Neg keeps the format; zero minus a quantity is its negation (TestQuantitySubZeroPreservesSuffix)', () => {
    for (const v of ['100m', '1Gi']) {
      const q = Quantity.parse(v);
      expect(Quantity.zero.sub(q).toString()).toBe(q.neg().toString());
      expect(q.neg().neg().toString()).toBe(v);
    }
  });

  it('Mul is exact beyond int64 (Kubernetes promotes instead of overflowing)', () => {
    expect(Quantity.parse('5Gi').mul(3).toString()).toBe('15Gi');
    expect(Quantity.parse('9223372036854775807').mul(2).toString()).toBe('18446744073709551614');
    expect(Quantity.parse('1500m').mul(-2).toString()).toBe('-3');
  });
});
