import { BadRequestError } from '@flotilla/core';

/** Kubernetes' default `--service-node-port-range`. */
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

/**
 * Parses a port range such as `30000-32767`.
 *
 * @throws BadRequestError unless it is `first-last` with 1 <= first <= last <= 65535.
 */
export function parseNodePortRange(range: string): { first: number; last: number } {
  const match = /^(\d+)-(\d+)$/.exec(range);
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (!match || first < 1 || last > 65535 || first > last) {
    throw new BadRequestError(`node port range "${range}" must look like 30000-32767 (first <= last, within 1-65535)`);
  }
  return { first, last };
}
