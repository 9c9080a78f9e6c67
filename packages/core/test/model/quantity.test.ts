import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors/api-errors.js';
import type { QuantityValue } from '../../src/model/core-v1.js';
import { parseMilli, parseValue, Quantity } from '../../src/model/quantity.js';

describe('Quantity.parse', () => {
  // input, canonical text (Kubernetes' CanonicalizeBytes), milliValue, value
  it.each<[QuantityValue, string, number, number]>([
    ['0', '0', 0, 0],
    ['0.0', '0', 0, 0],
    ['100m', '100m', 100, 1],
    ['0.1', '100m', 100, 1],
    ['.5', '500m', 500, 1],
    ['5.', '5', 5000, 5],
    ['1.5', '1500m', 1500, 2],
    ['2', '2', 2000, 2],
    [2, '2', 2000, 2],
    [0.5, '500m', 500, 1],
    ['1000', '1k', 1_000_000, 1000],
    ['1500', '1500', 1_500_000, 1500],
    ['1k', '1k', 1_000_000, 1000],
    ['1M', '1M', 1e9, 1e6],
    ['0.1M', '100k', 1e8, 1e5],
    ['1G', '1G', 1e12, 1e9],
    ['1.5G', '1500M', 1.5e12, 1.5e9],
    ['1T', '1T', 1e15, 1e12],
    ['1P', '1P', 1e18, 1e15],
    ['1E', '1E', Number(2n ** 63n - 1n), 1e18], // milli saturates at int64 (apimachinery quantity_overflow_test.go)
    ['1Ki', '1Ki', 1024e3, 1024],
    ['128Mi', '128Mi', 128 * 1024 ** 2 * 1e3, 128 * 1024 ** 2],
    ['1.5Gi', '1536Mi', 1.5 * 1024 ** 3 * 1e3, 1.5 * 1024 ** 3],
    ['1024Mi', '1Gi', 1024 ** 3 * 1e3, 1024 ** 3],
    ['1023Ki', '1023Ki', 1023 * 1024e3, 1023 * 1024],
    ['0.5Ki', '512', 512e3, 512],
    ['1.1Mi', '1153433600m', 1153433600, 1153434],
    ['1e3', '1e3', 1e6, 1000],
    ['1E3', '1e3', 1e6, 1000],
    ['1.5e3', '1500', 1.5e6, 1500],
    ['12e6', '12e6', 12e9, 12e6],
    ['1e-3', '1e-3', 1, 1],
    ['1m', '1m', 1, 1],
    ['1u', '1u', 1, 1],
    ['1n', '1n', 1, 1],
    ['0.1n', '1n', 1, 1],
    ['0.1m', '100u', 1, 1],
    ['-100m', '-100m', -100, -1], // rounded away from zero, as Kubernetes' Value()
    ['+2', '2', 2000, 2],
    ['-1.5Gi', '-1536Mi', -1.5 * 1024 ** 3 * 1e3, -1.5 * 1024 ** 3],
    ['1000000E', '1e24', Number(2n ** 63n - 1n), Number(2n ** 63n - 1n)], // no suffix past E: exponent form
  ])('%j is %s (milli %d, value %d)', (input, canonical, milli, value) => {
    const q = Quantity.parse(input);
    expect(q.toString()).toBe(canonical);
    expect(q.milliValue()).toBe(milli);
    expect(q.value()).toBe(value);
    expect(JSON.stringify({ q })).toBe(`{"q":"${canonical}"}`);
  });

  it.each([
    [''],
    ['.'],
    ['+'],
    ['-'],
    ['m'],
    ['1.1.M'],
    ['1+1.0M'],
    ['0.1mi'],
    ['0.1am'],
    ['aoeu'],
    ['.5i'],
    ['1i'],
    ['1K'],
    ['1 Gi'],
    ['1e'],
    ['-3.01e-'],
    ['1e1000'],
    ['1;rm -rf /'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
  ])('%j is rejected with a clear error', (input) => {
    expect(() => Quantity.parse(input)).toThrow(BadRequestError);
    expect(() => Quantity.parse(input)).toThrow(/write a number with an optional suffix/);
  });
});

describe('Quantity arithmetic and comparison', () => {
  it.each<[string, string, -1 | 0 | 1]>([
    ['1', '1000m', 0],
    ['1Ki', '1024', 0],
    ['1G', '1Gi', -1],
    ['500m', '0.4', 1],
    ['-1', '0', -1],
  ])('cmp(%s, %s) = %d', (a, b, expected) => {
    expect(Quantity.parse(a).cmp(Quantity.parse(b))).toBe(expected);
  });

  it('adds ten 100m exactly to 1', () => {
    let sum = Quantity.zero;
    for (let i = 0; i < 10; i++) sum = sum.add(Quantity.parse('100m'));
    expect(sum.toString()).toBe('1');
    expect(sum.cmp(Quantity.parse('1'))).toBe(0);
  });

  it('0.1 + 0.2 is exactly 300m', () => {
    expect(Quantity.parse('0.1').add(Quantity.parse('0.2')).toString()).toBe('300m');
  });

  it('keeps the receiver format, or the other one when the receiver is zero', () => {
    expect(Quantity.parse('1Gi').add(Quantity.parse('1Gi')).toString()).toBe('2Gi');
    expect(Quantity.parse('1Gi').sub(Quantity.parse('512Mi')).toString()).toBe('512Mi');
    expect(Quantity.zero.add(Quantity.parse('1Gi')).toString()).toBe('1Gi');
    expect(Quantity.parse('1G').add(Quantity.parse('1Gi')).toString()).toBe('2073741824');
  });

  it('builds from milli and unit counts', () => {
    expect(Quantity.fromMilli(1500).toString()).toBe('1500m');
    expect(Quantity.fromValue(2 * 1024 ** 3, 'BinarySI').toString()).toBe('2Gi');
    expect(Quantity.fromValue(0).isZero()).toBe(true);
  });
});

describe('parseMilli / parseValue', () => {
  it.each<[QuantityValue]>([
    ['100m'],
    ['2'],
    [2],
    [0.25],
    ['128Mi'],
    ['1G'],
    ['1.5Gi'],
    ['0.5'],
    ['1e3'],
    ['250u'],
    ['999999999999999Ti'],
    ['-1'],
  ])('%j agrees with Quantity', (v) => {
    expect(parseMilli(v)).toBe(Quantity.parse(v).milliValue());
    expect(parseValue(v)).toBe(Quantity.parse(v).value());
  });

  it('rounds up like Kubernetes', () => {
    expect(parseValue('100m')).toBe(1);
    expect(parseMilli('1u')).toBe(1);
  });

  it('rejects invalid text', () => {
    expect(() => parseMilli('abc')).toThrow(BadRequestError);
    expect(() => parseValue('1K')).toThrow(BadRequestError);
  });
});

// ---- properties ---------------------------------------------------------------------------------

const suffix = fc.constantFrom(
  '',
  'n',
  'u',
  'm',
  'k',
  'M',
  'G',
  'T',
  'P',
  'E',
  'Ki',
  'Mi',
  'Gi',
  'Ti',
  'Pi',
  'Ei',
  'e3',
  'e-2',
);
const quantityText = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.bigInt({ min: 0n, max: 10n ** 12n }),
    fc.option(fc.stringMatching(/^\d{1,4}$/), { nil: undefined }),
    suffix,
  )
  .map(([sign, int, frac, sfx]) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}${sfx}`);

describe('quantity properties', () => {
  it('parse(toString(q)) equals q, and toString is a fixed point', () => {
    fc.assert(
      fc.property(quantityText, (text) => {
        const q = Quantity.parse(text);
        const again = Quantity.parse(q.toString());
        expect(again.cmp(q)).toBe(0);
        expect(again.toString()).toBe(q.toString());
      }),
    );
  });

  it('addition is exact: (a + b) - b == a, a + b == b + a', () => {
    fc.assert(
      fc.property(quantityText, quantityText, (x, y) => {
        const a = Quantity.parse(x);
        const b = Quantity.parse(y);
        expect(a.add(b).sub(b).cmp(a)).toBe(0);
        expect(a.add(b).cmp(b.add(a))).toBe(0);
      }),
    );
  });

  it('sums of milli amounts match integer sums', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 50 }), (millis) => {
        const sum = millis.reduce((acc, m) => acc.add(Quantity.parse(`${m}m`)), Quantity.zero);
        expect(sum.milliValue()).toBe(millis.reduce((a, b) => a + b, 0));
      }),
    );
  });
});
