import type { FieldError } from '../errors/api-errors.js';
import type { Endpoints } from '../model/core-v1.js';
import type { EndpointSlice } from '../model/discovery-v1.js';
import { PROTOCOLS } from './core-values.js';
import { appendErrors, invalid, invalidEach, notSupported, oneOf, required, tooMany } from './field-errors.js';
import { isDNS1123Subdomain } from './names.js';
import { isValidPortName, portNumber } from './numbers.js';
import { isIPv4 } from './service.js';

const addressTypes = ['IPv4', 'IPv6', 'FQDN'] as const;
/** Kubernetes' limits per EndpointSlice. */
export const MAX_ENDPOINTS_PER_SLICE = 1000;
const MAX_ADDRESSES_PER_ENDPOINT = 100;
const MAX_PORTS_PER_SLICE = 20000;

const ipv6Re = /^[0-9a-fA-F:.]+$/;

function addressProblem(addressType: string, address: string): string | undefined {
  switch (addressType) {
    case 'IPv4':
      return isIPv4(address) ? undefined : 'must be a valid IPv4 address';
    case 'IPv6':
      return address.includes(':') && ipv6Re.test(address) ? undefined : 'must be a valid IPv6 address';
    default:
      return isDNS1123Subdomain(address)[0];
  }
}

function validatePorts(
  ports: { name?: string; port?: number; protocol?: string }[] | undefined,
  path: string,
  portRequired: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  (ports ?? []).forEach((p, i) => {
    const f = `${path}[${i}]`;
    if (p.name) errs.push(...invalidEach(`${f}.name`, p.name, isValidPortName(p.name)));
    if (p.port === undefined) {
      if (portRequired) errs.push(required(`${f}.port`));
    } else errs.push(...portNumber(`${f}.port`, p.port));
    errs.push(...oneOf(`${f}.protocol`, p.protocol, PROTOCOLS));
  });
  return errs;
}

/**
 * EndpointSlice: a known, immutable address type; 1..100 addresses per
 * endpoint, each of that type; at most 1000 endpoints; ports well-formed.
 */
export function validateEndpointSlice(slice: EndpointSlice, old?: EndpointSlice): FieldError[] {
  const errs: FieldError[] = [];
  const type = slice.addressType;
  if (!type) errs.push(required('addressType'));
  else if (!addressTypes.includes(type)) errs.push(notSupported('addressType', type, addressTypes));
  if (old && old.addressType !== type) errs.push(invalid('addressType', type ?? '', 'field is immutable'));
  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > MAX_ENDPOINTS_PER_SLICE) {
    errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS_PER_SLICE));
  }
  endpoints.forEach((e, i) => {
    const p = `endpoints[${i}]`;
    const addrs = e.addresses ?? [];
    if (addrs.length === 0) errs.push(required(`${p}.addresses`, 'must contain at least 1 address'));
    if (addrs.length > MAX_ADDRESSES_PER_ENDPOINT) {
      errs.push(tooMany(`${p}.addresses`, addrs.length, MAX_ADDRESSES_PER_ENDPOINT));
    }
    addrs.forEach((a, j) => {
      const problem = type ? addressProblem(type, a) : undefined;
      if (problem) errs.push(invalid(`${p}.addresses[${j}]`, a, problem));
    });
    if (e.nodeName) errs.push(...invalidEach(`${p}.nodeName`, e.nodeName, isDNS1123Subdomain(e.nodeName)));
  });
  if ((slice.ports?.length ?? 0) > MAX_PORTS_PER_SLICE) {
    errs.push(tooMany('ports', slice.ports!.length, MAX_PORTS_PER_SLICE));
  }
  appendErrors(errs, validatePorts(slice.ports, 'ports', false));
  return errs;
}

/** Endpoints: every address an IPv4 address, every port 1..65535 with a known protocol. */
export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((s, i) => {
    for (const kind of ['addresses', 'notReadyAddresses'] as const) {
      (s[kind] ?? []).forEach((a, j) => {
        if (!isIPv4(a.ip)) errs.push(invalid(`subsets[${i}].${kind}[${j}].ip`, a.ip, 'must be a valid IP address'));
      });
    }
    appendErrors(errs, validatePorts(s.ports, `subsets[${i}].ports`, true));
  });
  return errs;
}
