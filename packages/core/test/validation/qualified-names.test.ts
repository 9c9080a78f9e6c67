import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDNS1123Subdomain, isQualifiedName } from '../../src/validation/names.js';

/** Kubernetes' rule, part by part: an optional DNS-1123 subdomain prefix and `/`, then a name of at most 63 characters. */
function validByParts(value: string): boolean {
  const parts = value.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1)!;
  const prefixOk = parts.length === 1 || (parts[0]!.length > 0 && isDNS1123Subdomain(parts[0]!).length === 0);
  return prefixOk && name.length > 0 && name.length <= 63 && /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name);
}

describe('isQualifiedName', () => {
  it.each([
    ['example.com/MyName', true],
    ['a/b', true],
    [`${'a'.repeat(253)}/b`, true],
    [`a/${'b'.repeat(63)}`, true],
    ['kubernetes.io/hostname', true],
    [`${'a'.repeat(254)}/b`, false],
    [`a/${'b'.repeat(64)}`, false],
    ['Example.com/x', false],
    ['/x', false],
    ['a/', false],
    ['a/-x', false],
    ['a./b', false],
    ['a/b/c', false],
  ])('%s is valid: %s', (value, valid) => {
    expect(isQualifiedName(value).length === 0).toBe(valid);
  });

  it('accepts exactly the names the part-by-part rule accepts, prefixed or not', () => {
    const char = fc.constantFrom(...'aZ09-._/'.split(''), 'é', ' ');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 80 }), (chars) => {
        const value = chars.join('');
        expect(isQualifiedName(value).length === 0).toBe(validByParts(value));
      }),
      { numRuns: 2000 },
    );
  });
});
