import { describe, expect, it } from 'vitest';
import { ipNumber, ipv4CidrProblem, ipv4Problem } from '../src/state/rule-values.js';

describe('ipNumber', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.96.0.1', 10 * 2 ** 24 + 96 * 2 ** 16 + 1],
    ['198.18.255.254', 198 * 2 ** 24 + 18 * 2 ** 16 + 255 * 2 ** 8 + 254],
    ['255.255.255.255', 2 ** 32 - 1],
    ['100.200.10.0', 100 * 2 ** 24 + 200 * 2 ** 16 + 10 * 2 ** 8],
  ])('reads %s as %d', (ip, value) => {
    expect(ipNumber(ip)).toBe(value);
  });

  it.each([
    ['an octet above 255', '10.0.0.256'],
    ['a leading zero', '10.01.0.1'],
    ['a lone leading zero pair', '00.1.2.3'],
    ['four digits', '1000.1.1.1'],
    ['three octets', '10.0.1'],
    ['five octets', '10.0.0.1.2'],
    ['an empty octet', '10..0.1'],
    ['a trailing dot', '10.0.0.1.'],
    ['a leading dot', '.10.0.0.1'],
    ['a sign', '10.0.0.+1'],
    ['whitespace', '10.0.0.1 '],
    ['a newline and a rule', '10.0.0.1\n-A INPUT -j ACCEPT'],
    ['an IPv6 address', 'fd00::1'],
    ['the empty string', ''],
    ['a number', 167772161],
    ['undefined', undefined],
  ])('refuses %s', (_, value) => {
    expect(ipNumber(value)).toBeUndefined();
    expect(ipv4Problem(value)).toMatch(/must be a valid IPv4 address/);
  });

  it('orders addresses numerically, not as text', () => {
    const sorted = ['10.0.0.10', '10.0.0.9', '9.255.255.255', '10.0.1.0'].sort(
      (a, b) => (ipNumber(a) ?? 0) - (ipNumber(b) ?? 0),
    );
    expect(sorted).toEqual(['9.255.255.255', '10.0.0.9', '10.0.0.10', '10.0.1.0']);
  });
});

describe('ipv4CidrProblem', () => {
  it.each([
    ['10.244.0.0/16', undefined],
    ['0.0.0.0/0', undefined],
    ['198.18.0.0/32', undefined],
    ['10.244.0.0/33', 'must be an IPv4 CIDR'],
    ['10.244.0.0', 'must be an IPv4 CIDR'],
    ['10.244.0.256/16', 'must be an IPv4 CIDR'],
    ['10.244.0.0/16/1', 'must be an IPv4 CIDR'],
  ])('%s', (cidr, problem) => {
    const found = ipv4CidrProblem(cidr);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});
