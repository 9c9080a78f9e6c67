import { describe, expect, it } from 'vitest';
import { applyJsonPatch, PatchError } from '../../src/patch/index.js';

interface Case {
  comment: string;
  doc: unknown;
  patch: unknown[];
  expected?: unknown;
  error?: string;
}

// RFC 6902 Appendix A examples (A.1-A.16), as the json-patch-tests suite
// (github.com/json-patch/json-patch-tests, spec_tests.json) carries them.
const rfcCases: Case[] = [
  {
    comment: 'A.1 adding an object member',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux' }],
    expected: { baz: 'qux', foo: 'bar' },
  },
  {
    comment: 'A.2 adding an array element',
    doc: { foo: ['bar', 'baz'] },
    patch: [{ op: 'add', path: '/foo/1', value: 'qux' }],
    expected: { foo: ['bar', 'qux', 'baz'] },
  },
  {
    comment: 'A.3 removing an object member',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'remove', path: '/baz' }],
    expected: { foo: 'bar' },
  },
  {
    comment: 'A.4 removing an array element',
    doc: { foo: ['bar', 'qux', 'baz'] },
    patch: [{ op: 'remove', path: '/foo/1' }],
    expected: { foo: ['bar', 'baz'] },
  },
  {
    comment: 'A.5 replacing a value',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'replace', path: '/baz', value: 'boo' }],
    expected: { baz: 'boo', foo: 'bar' },
  },
  {
    comment: 'A.6 moving a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    expected: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  {
    comment: 'A.7 moving an array element',
    doc: { foo: ['all', 'grass', 'cows', 'eat'] },
    patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    expected: { foo: ['all', 'cows', 'eat', 'grass'] },
  },
  {
    comment: 'A.8 testing a value: success',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    patch: [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    expected: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  {
    comment: 'A.9 testing a value: error',
    doc: { baz: 'qux' },
    patch: [{ op: 'test', path: '/baz', value: 'bar' }],
    error: 'test failed',
  },
  {
    comment: 'A.10 adding a nested member object',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }],
    expected: { foo: 'bar', child: { grandchild: {} } },
  },
  {
    comment: 'A.11 ignoring unrecognized elements',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
    expected: { foo: 'bar', baz: 'qux' },
  },
  {
    comment: 'A.12 adding to a nonexistent target',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz/bat', value: 'qux' }],
    error: 'path does not exist',
  },
  {
    comment: 'A.14 ~ escape ordering',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: 10 }],
    expected: { '/': 9, '~1': 10 },
  },
  {
    comment: 'A.15 comparing strings and numbers',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: '10' }],
    error: 'test failed',
  },
  {
    comment: 'A.16 adding an array value',
    doc: { foo: ['bar'] },
    patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
    expected: { foo: ['bar', ['abc', 'def']] },
  },
];

describe('applyJsonPatch: RFC 6902 appendix A', () => {
  it.each(rfcCases)('$comment', ({ doc, patch, expected, error }) => {
    const before = structuredClone(doc);
    if (error) expect(() => applyJsonPatch(doc, patch)).toThrow(error);
    else expect(applyJsonPatch(doc, patch)).toEqual(expected);
    expect(doc).toEqual(before);
  });
});

describe('applyJsonPatch errors and hostile input', () => {
  it('names the index and path of the failing operation and applies nothing', () => {
    const doc = { spec: { replicas: 1 } };
    const patch = [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'remove', path: '/spec/missing' },
    ];
    expect(() => applyJsonPatch(doc, patch)).toThrow(
      expect.objectContaining({ code: 422, operation: 1, path: '/spec/missing' }),
    );
    expect(doc.spec.replicas).toBe(1);
  });

  it.each([
    ['not an array', { op: 'add' }],
    ['an unknown op', [{ op: 'frobnicate', path: '/a' }]],
    ['add without a value', [{ op: 'add', path: '/a' }]],
    ['move without from', [{ op: 'move', path: '/a' }]],
    ['a pointer without a leading slash', [{ op: 'add', path: 'a', value: 1 }]],
  ])('refuses %s with 400', (_name, patch) => {
    expect(() => applyJsonPatch({}, patch)).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('keeps __proto__, constructor and prototype paths as plain data, never reaching a prototype', () => {
    const out = applyJsonPatch({ metadata: {} }, [
      { op: 'add', path: '/__proto__', value: { polluted: true } },
      { op: 'add', path: '/metadata/constructor', value: 'x' },
    ]) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(() => applyJsonPatch({}, [{ op: 'replace', path: '/constructor/prototype/polluted', value: 1 }])).toThrow(
      PatchError,
    );
    expect(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: 1 }])).toThrow(PatchError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses more than 10,000 operations with 413, as kube-apiserver does', () => {
    const ops = Array.from({ length: 10_001 }, () => ({ op: 'test', path: '', value: {} }));
    expect(() => applyJsonPatch({}, ops)).toThrow(expect.objectContaining({ code: 413 }));
  });

  it('refuses copies that would double the document without end with 413', () => {
    const ops = Array.from({ length: 64 }, (_, i) => ({ op: 'copy', from: '/a', path: `/a/c${i}` }));
    expect(() => applyJsonPatch({ a: { data: 'x'.repeat(1000) } }, ops)).toThrow(
      expect.objectContaining({ code: 413, reason: 'RequestEntityTooLarge' }),
    );
  });

  it('refuses a value nested 8,000 levels deep with a typed error, not a RangeError', () => {
    let deep: unknown = [];
    for (let i = 0; i < 8000; i++) deep = [deep];
    expect(() => applyJsonPatch({}, [{ op: 'add', path: '/a', value: deep }])).toThrow(PatchError);
  });
});
