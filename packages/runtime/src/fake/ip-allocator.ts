import { RuntimeError } from '../cri/errors.js';

const toInt = (ip: string) => ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/**
 * Hands out pod IPs from a node's podCIDR, lowest free first, as the
 * host-local IPAM plugin does. The network address, the first host (the
 * bridge's gateway) and the broadcast address are never given out.
 */
export class IpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();

  constructor(readonly cidr: string) {
    const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
    const prefix = Number(match?.[2]);
    if (!match || prefix > 30 || match[1].split('.').some((o) => Number(o) > 255)) {
      throw new RuntimeError(
        'InvalidArgument',
        `podCIDR "${cidr}" is not an IPv4 CIDR with a prefix of /30 or shorter`,
      );
    }
    this.size = 2 ** (32 - prefix);
    this.base = toInt(match[1]) - (toInt(match[1]) % this.size);
  }

  /** The next free address; throws when the range is exhausted. */
  allocate(): string {
    for (let offset = 2; offset < this.size - 1; offset++) {
      if (!this.used.has(offset)) {
        this.used.add(offset);
        return toIp(this.base + offset);
      }
    }
    throw new RuntimeError(
      'Unavailable',
      `no free pod IP left in ${this.cidr}; remove pods or give the node a larger podCIDR`,
    );
  }

  /** Returns an address to the pool (unknown addresses are ignored). */
  release(ip: string): void {
    this.used.delete(toInt(ip) - this.base);
  }
}
