import { BadRequestError, isIPv4 } from '@flotilla/core';

/** Kubernetes' default `--service-cluster-ip-range`. */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

/** An IPv4 address as an unsigned 32-bit number. */
export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** An unsigned 32-bit number as a dotted-quad IPv4 address. */
export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The assignable addresses of a service CIDR: Kubernetes leaves out the network and broadcast addresses. */
export interface ServiceRange {
  cidr: string;
  first: number;
  last: number;
}

/**
 * Parses an IPv4 CIDR such as `10.96.0.0/12` into its assignable range.
 *
 * @throws BadRequestError for anything but an IPv4 CIDR with a prefix of 8..30 (Kubernetes refuses larger ranges).
 */
export function parseServiceCidr(cidr: string): ServiceRange {
  const [ip, prefixText, ...extra] = cidr.split('/');
  const prefix = Number(prefixText);
  if (extra.length > 0 || !isIPv4(ip) || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) {
    throw new BadRequestError(`service CIDR "${cidr}" must be IPv4 with a prefix length of 8 to 30, e.g. 10.96.0.0/12`);
  }
  const size = 2 ** (32 - prefix);
  const network = Math.floor(ipToNumber(ip) / size) * size;
  return { cidr, first: network + 1, last: network + size - 2 };
}
