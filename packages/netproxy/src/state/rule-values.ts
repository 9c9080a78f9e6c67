import { type FieldError, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from '@flotilla/core';

/**
 * Checks for every value that ends up inside rule text, DNS answers or a
 * process argument. Each returns a Kubernetes-worded problem or `undefined`.
 *
 * Guarantees: a value that passes contains only `[a-z0-9.-]`, digits and
 * dots, or one `/`: never whitespace, quotes, newlines or shell
 * metacharacters, so it can be written into iptables-restore or nft text
 * without quoting.
 */
/** Quotes a rejected value for an error message: JSON escapes newlines and control characters. */
const shown = (value: unknown) => JSON.stringify(value) ?? String(value);

/**
 * The dotted-quad IPv4 address `value` as an unsigned number (which also
 * orders addresses numerically), or `undefined` when it is not one: four
 * decimal octets of at most 255, without leading zeros. One pass and no
 * regular expression: a large cluster checks a hundred thousand endpoints
 * per full sync.
 */
export function ipNumber(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length < 7 || value.length > 15) return undefined;
  let address = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      address = address * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + c - 48;
      if (++digits > 3 || octet > 255) return undefined;
    } else return undefined;
  }
  if (digits === 0 || dots !== 3) return undefined;
  return address * 256 + octet;
}

/** `undefined` if `value` is a dotted-quad IPv4 address. */
export function ipv4Problem(value: unknown): string | undefined {
  if (ipNumber(value) !== undefined) return undefined;
  return `Invalid value: ${shown(value)}: must be a valid IPv4 address (e.g. 10.9.8.7); IPv6 is not supported by this proxy`;
}

/** `undefined` if `value` is an IPv4 CIDR such as `10.244.0.0/16`. */
export function ipv4CidrProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const [ip, bits, extra] = value.split('/');
    const n = Number(bits);
    if (extra === undefined && ipNumber(ip) !== undefined && /^[0-9]{1,2}$/.test(bits ?? '') && n <= 32)
      return undefined;
  }
  return `Invalid value: ${shown(value)}: must be an IPv4 CIDR (e.g. 10.244.0.0/16)`;
}

/** `undefined` if `value` is an integer port in 1..65535. */
export function portProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return undefined;
  return `Invalid value: ${shown(value)}: must be between 1 and 65535, inclusive`;
}

/** The protocols a Service port may use. */
export const SUPPORTED_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** `undefined` if `value` is TCP, UDP or SCTP (absent means TCP and is checked by the caller). */
export function protocolProblem(value: unknown): string | undefined {
  if ((SUPPORTED_PROTOCOLS as readonly unknown[]).includes(value)) return undefined;
  return `Unsupported value: ${shown(value)}: supported values: "TCP", "UDP", "SCTP"`;
}

/** `undefined` if `value` is an integer in `[min, max]`. */
export function integerProblem(value: unknown, min: number, max: number): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `Invalid value: ${shown(value)}: must be an integer between ${min} and ${max}, inclusive`;
}

type NameRule = (value: string) => string[];

const nameProblem = (rule: NameRule) => (value: unknown) => {
  if (typeof value !== 'string' || value.length === 0)
    return `Invalid value: ${shown(value)}: must be a non-empty string`;
  const problems = rule(value);
  return problems.length === 0 ? undefined : `Invalid value: ${shown(value)}: ${problems.join('; ')}`;
};

/** Namespace names and port names: DNS-1123 labels. */
export const labelProblem = nameProblem(isDNS1123Label);
/** Service names: DNS-1035 labels. */
export const serviceNameProblem = nameProblem(isDNS1035Label);
/** Node names: DNS-1123 subdomains. */
export const subdomainProblem = nameProblem(isDNS1123Subdomain);

/**
 * Collects field problems for one object so that an error names every bad
 * field at once, as the Api does.
 */
export class FieldProblems {
  readonly errors: FieldError[] = [];

  /**
   * Records `problem` (if any) for `field`; returns true when the value is
   * valid. `field` may be a function, called only for a problem, so hot
   * loops do not build paths for good values.
   */
  check(field: string | (() => string), problem: string | undefined): boolean {
    if (problem === undefined) return true;
    this.errors.push({ field: typeof field === 'string' ? field : field(), message: problem });
    return false;
  }
}
