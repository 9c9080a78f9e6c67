import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors/api-errors.js';
import {
  compileLabelSelector,
  formatLabelSelector,
  parseLabelSelector,
  validateLabelSelector,
} from '../../src/model/labels.js';
import type { LabelSelector } from '../../src/model/meta.js';

describe('parseLabelSelector', () => {
  it.each<[string, LabelSelector]>([
    ['', {}],
    ['   ', {}],
    ['a=b', { matchLabels: { a: 'b' } }],
    ['a==b', { matchLabels: { a: 'b' } }],
    ['a=', { matchLabels: { a: '' } }],
    ['a!=b', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['b'] }] }],
    ['a in (x,y)', { matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }] }],
    ['a in ( x , y )', { matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }] }],
    ['a notin (x)', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }],
    ['a in ()', { matchExpressions: [{ key: 'a', operator: 'In', values: [''] }] }],
    ['a in (,x)', { matchExpressions: [{ key: 'a', operator: 'In', values: ['', 'x'] }] }],
    ['a', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }],
    ['!a', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }],
    ['example.com/app=web', { matchLabels: { 'example.com/app': 'web' } }],
    [
      'a=b,c in (d,e),!f',
      {
        matchLabels: { a: 'b' },
        matchExpressions: [
          { key: 'c', operator: 'In', values: ['d', 'e'] },
          { key: 'f', operator: 'DoesNotExist' },
        ],
      },
    ],
    ['a=b,a=c', { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['c'] }] }],
    ['in=notin', { matchLabels: { in: 'notin' } }],
  ])('%j parses', (text, expected) => {
    expect(parseLabelSelector(text)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['a=b,', /found end of selector at position 4, expected a label key/],
    [',a', /found "," at position 0/],
    ['a b', /found "b" at position 2/],
    ['a in x', /found "x" at position 5, expected "\(" after in\/notin/],
    ['a in (x', /found end of selector at position 7/],
    ['a in (x y)', /found "y"/],
    ['a>1', /has no LabelSelector form/],
    ['a=b=c', /found "=" at position 3/],
    ['!a=b', /found "=" at position 2/],
    ['Bad Key=1', /found "Key"/],
    ['a/b/c=1', /invalid label key/],
    ['a=b;rm -rf', /invalid label value/],
    ['a=$(x)', /invalid label value|found "\("/],
    [`a=${'x'.repeat(64)}`, /must be no more than 63 characters/],
  ])('%j is rejected', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(BadRequestError);
    expect(() => parseLabelSelector(text)).toThrow(message);
  });
});

describe('formatLabelSelector', () => {
  it.each<[LabelSelector, string]>([
    [{}, ''],
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['y', 'x'] }] }, 'a in (x,y)'],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, 'a!=x'],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x', 'w'] }] }, 'a notin (w,x)'],
    [
      {
        matchLabels: { z: '1' },
        matchExpressions: [
          { key: 'm', operator: 'DoesNotExist' },
          { key: 'b', operator: 'Exists' },
        ],
      },
      'b,!m,z=1',
    ],
  ])('%j formats as %j', (sel, text) => {
    expect(formatLabelSelector(sel)).toBe(text);
  });
});

describe('compileLabelSelector', () => {
  const web = { app: 'web', tier: 'front' };
  it.each<[string | LabelSelector | undefined, Record<string, string> | undefined, boolean]>([
    [undefined, undefined, true],
    ['', web, true],
    [{}, undefined, true],
    ['app=web', web, true],
    ['app=web', { app: 'db' }, false],
    ['app=web', undefined, false],
    ['app!=web', web, false],
    ['app!=web', { tier: 'x' }, true],
    ['app in (web,db)', web, true],
    ['app in (db,cache)', web, false],
    ['app notin (db,cache)', web, true],
    ['app notin (web,cache)', web, false],
    ['app notin (web,cache)', {}, true],
    ['tier', web, true],
    ['missing', web, false],
    ['!missing', web, true],
    ['!tier', web, false],
    ['app=web,tier=front', web, true],
    ['app=web,tier=back', web, false],
    ['app=web,app=db', { app: 'web' }, false],
    ['constructor', {}, false],
    ['!constructor', {}, true],
    ['toString=x', {}, false],
    ['a=', { a: '' }, true],
    ['a=', {}, false],
    [
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
      web,
      true,
    ],
  ])('selector %j on %j -> %s', (sel, labels, expected) => {
    expect(compileLabelSelector(sel).matches(labels)).toBe(expected);
  });

  it('reports emptiness', () => {
    expect(compileLabelSelector(undefined).empty).toBe(true);
    expect(compileLabelSelector('').empty).toBe(true);
    expect(compileLabelSelector({ matchLabels: {}, matchExpressions: [] }).empty).toBe(true);
    expect(compileLabelSelector('a').empty).toBe(false);
  });

  it('reuses the compiled matcher for a repeated selector string', () => {
    expect(compileLabelSelector('app=web,tier')).toBe(compileLabelSelector('app=web,tier'));
  });

  it('rejects an unknown operator in a structured selector', () => {
    const sel = { matchExpressions: [{ key: 'a', operator: 'Gt' }] } as unknown as LabelSelector;
    expect(() => compileLabelSelector(sel)).toThrow(/operator: Unsupported value: "Gt"/);
  });
});

describe('validateLabelSelector', () => {
  it('accepts a well-formed selector', () => {
    expect(
      validateLabelSelector(
        { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'x', operator: 'In', values: ['a'] }] },
        'spec.selector',
      ),
    ).toEqual([]);
  });

  it('lists every bad field by path', () => {
    const sel = {
      matchLabels: { 'bad key': 'v', ok: 'bad value!' },
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt', values: ['1'] },
      ],
    } as unknown as LabelSelector;
    const fields = validateLabelSelector(sel, 'spec.selector').map((e) => `${e.field}: ${e.message.split(':')[0]}`);
    expect(fields).toEqual([
      'spec.selector.matchLabels: Invalid value',
      'spec.selector.matchLabels: Invalid value',
      'spec.selector.matchExpressions[0].values: Required value',
      'spec.selector.matchExpressions[1].values: Forbidden',
      'spec.selector.matchExpressions[2].operator: Unsupported value',
    ]);
  });
});

// ---- properties ---------------------------------------------------------------------------------

const nameChar = fc.constantFrom(...'abcxyz09'.split(''));
const labelName = fc
  .array(fc.oneof(nameChar, fc.constantFrom('-', '.', '_')), { minLength: 0, maxLength: 6 })
  .chain((mid) => fc.tuple(nameChar, nameChar).map(([a, b]) => (mid.length ? `${a}${mid.join('')}${b}` : a)));
const labelKey = fc.oneof(
  labelName,
  labelName.map((n) => `example.com/${n}`),
);
const labelValue = fc.oneof(fc.constant(''), labelName);
const requirement: fc.Arbitrary<LabelSelector['matchExpressions'] & object> = fc
  .tuple(
    labelKey,
    fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist' as const),
    fc.array(labelValue, { minLength: 1, maxLength: 3 }),
  )
  .map(([key, operator, values]) =>
    operator === 'In' || operator === 'NotIn' ? [{ key, operator, values }] : [{ key, operator }],
  );
const selector: fc.Arbitrary<LabelSelector> = fc
  .tuple(fc.dictionary(labelKey, labelValue, { maxKeys: 3 }), fc.array(requirement, { maxLength: 4 }))
  .map(([matchLabels, reqs]) => ({ matchLabels, matchExpressions: reqs.flat() }));
const labelSet = fc.dictionary(fc.oneof(labelKey, fc.constantFrom('a', 'x', 'example.com/a')), labelValue, {
  maxKeys: 5,
});

describe('label selector properties', () => {
  it('format(parse(format(sel))) is stable', () => {
    fc.assert(
      fc.property(selector, (sel) => {
        const text = formatLabelSelector(sel);
        expect(formatLabelSelector(parseLabelSelector(text))).toBe(text);
      }),
    );
  });

  it('compile(parse(format(sel))) agrees with compile(sel) on any labels', () => {
    fc.assert(
      fc.property(selector, fc.array(labelSet, { minLength: 1, maxLength: 5 }), (sel, sets) => {
        const direct = compileLabelSelector(sel);
        const viaText = compileLabelSelector(parseLabelSelector(formatLabelSelector(sel)));
        for (const labels of sets) expect(viaText.matches(labels)).toBe(direct.matches(labels));
      }),
    );
  });
});
