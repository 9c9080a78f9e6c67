import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors/api-errors.js';
import { compileLabelSelector, labelSelectorAsMatcher, parseLabelSelector } from '../../src/model/labels.js';
import type { LabelSelector, LabelSelectorRequirement } from '../../src/model/meta.js';

// Upstream: kubernetes/apimachinery pkg/labels/selector_test.go (TestSelectorParse), as data.
describe('string selectors parse as labels.Parse does', () => {
  it.each([
    'x=a,y=b,z=c',
    '',
    'x!=a,y=b',
    'x=',
    'x= ',
    'x=,z= ',
    'x= ,z= ',
    '!x',
    'x>1',
    'x>1,z<5',
  ])('%j parses', (text) => {
    expect(() => compileLabelSelector(text)).not.toThrow();
  });
  it.each(['x=a||y=b', 'x==a==b', '!x=a', 'x<a'])('%j is refused', (text) => {
    expect(() => compileLabelSelector(text)).toThrow(BadRequestError);
  });
});

// Upstream: kubernetes/apimachinery pkg/labels/selector_test.go (TestSelectorMatches), as data.
describe('string selectors match as labels.Parse(...).Matches does', () => {
  const labelset = { foo: 'bar', baz: 'blah' };
  it.each<[string, Record<string, string>, boolean]>([
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['foo=bar', labelset, true],
    ['baz=blah', labelset, true],
    ['foo=bar,baz=blah', labelset, true],
    ['foo=blah', labelset, false],
    ['baz=bar', labelset, false],
    ['foo=bar,foobar=bar,baz=blah', labelset, false],
    // TestRequirementSelectorMatching: Gt needs an integer label.
    ['z>1', { z: '2' }, true],
    ['z>1', { z: 'v2' }, false],
    ['z>1', {}, false],
  ])('%j on %j -> %s', (text, labels, want) => {
    expect(compileLabelSelector(text).matches(labels)).toBe(want);
  });

  it('a Gt/Lt selector has no structured form (ParseToLabelSelector refuses it)', () => {
    expect(() => parseLabelSelector('x>1')).toThrow(/has no LabelSelector form/);
  });
});

const req = (key: string, operator: string, values?: string[]): LabelSelector => ({
  matchExpressions: [{ key, operator, values } as LabelSelectorRequirement],
});

// Upstream: kubernetes/apimachinery pkg/labels/selector_test.go (TestRequirementConstructor), the operators a
// structured LabelSelector has; conversion (compileLabelSelector, labelSelectorAsMatcher) refuses what it refuses.
describe('structured requirements are checked on conversion (NewRequirement)', () => {
  it.each<[string, LabelSelector, boolean]>([
    ['In without values', req('x', 'In'), false],
    ['NotIn with an empty list', req('x', 'NotIn', []), false],
    ['In foo', req('x', 'In', ['foo']), true],
    ['NotIn foo', req('x', 'NotIn', ['foo']), true],
    ['Exists', req('x', 'Exists'), true],
    ['DoesNotExist', req('x', 'DoesNotExist'), true],
    ['a key starting with a digit', req('1foo', 'In', ['bar']), true],
    ['a numeric key', req('1234', 'In', ['bar']), true],
    ['a 254-character key', req('a'.repeat(254), 'Exists'), false],
    ['Exists with values', req('x', 'Exists', ['a']), false],
    ['an unknown operator', req('x', 'Gt', ['1']), false],
  ])('%s -> accepted %s', (_name, sel, ok) => {
    for (const convert of [compileLabelSelector, labelSelectorAsMatcher]) {
      if (ok) expect(() => convert(sel)).not.toThrow();
      else expect(() => convert(sel)).toThrow(BadRequestError);
    }
  });
});

// Upstream: kubernetes/apimachinery pkg/apis/meta/v1/helpers_test.go (TestLabelSelectorAsSelector):
// a nil selector selects nothing, an empty one everything.
describe('the two entry points for an absent selector', () => {
  it.each<[string, LabelSelector | undefined, boolean]>([
    ['nil', undefined, false],
    ['empty', {}, true],
    ['matchLabels', { matchLabels: { foo: 'bar' } }, true],
    ['matchExpressions', req('foo', 'NotIn', ['baz']), true],
  ])('labelSelectorAsMatcher(%s) on {foo: bar} -> %s', (_name, sel, want) => {
    expect(labelSelectorAsMatcher(sel).matches({ foo: 'bar' })).toBe(want);
  });

  it('compileLabelSelector(undefined) is a list call without selector: everything', () => {
    expect(compileLabelSelector(undefined).matches({ foo: 'bar' })).toBe(true);
    expect(labelSelectorAsMatcher(null).matches({})).toBe(false);
  });
});
