import { isIP } from 'node:net';
import type { FieldError } from '../errors/api-errors.js';
import { validateLabelSelector } from '../model/labels.js';
import type {
  Ingress,
  IngressBackend,
  IngressClass,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from '../model/networking-v1.js';
import { PROTOCOLS } from './core-values.js';
import {
  appendErrors,
  forbidden,
  invalid,
  invalidEach,
  notSupported,
  oneOf,
  required,
  tooMany,
} from './field-errors.js';
import { isDNS1123Subdomain } from './names.js';
import { portNumber, portNumberOrName } from './numbers.js';

const pathTypes = ['Exact', 'Prefix', 'ImplementationSpecific'] as const;

/** Problems with an Ingress host: a DNS-1123 subdomain, optionally starting with one `*.` wildcard label; never an IP. */
function hostProblems(host: string): string[] {
  if (isIP(host)) return ['must be a DNS name, not an IP address'];
  return isDNS1123Subdomain(host.startsWith('*.') ? host.slice(2) : host);
}

function validateBackend(b: IngressBackend | undefined, path: string): FieldError[] {
  if (!b) return [required(path)];
  if (b.service && b.resource) return [invalid(path, '', 'cannot set both service and resource backends')];
  if (b.resource) {
    return [
      ...(b.resource.kind ? [] : [required(`${path}.resource.kind`)]),
      ...(b.resource.name ? [] : [required(`${path}.resource.name`)]),
    ];
  }
  if (!b.service) return [invalid(path, '', 'one backend (service or resource) must be specified')];
  const errs: FieldError[] = [];
  if (!b.service.name) errs.push(required(`${path}.service.name`));
  else errs.push(...invalidEach(`${path}.service.name`, b.service.name, isDNS1123Subdomain(b.service.name)));
  const port = b.service.port;
  if (port?.name !== undefined && port?.number !== undefined) {
    errs.push(invalid(`${path}.service.port`, port, 'cannot set both port name & port number'));
  } else if (port?.name !== undefined) {
    errs.push(...portNumberOrName(`${path}.service.port.name`, port.name));
  } else if (port?.number !== undefined) {
    errs.push(...portNumber(`${path}.service.port.number`, port.number));
  } else {
    errs.push(required(`${path}.service.port`, 'port name or number is required'));
  }
  return errs;
}

/**
 * Ingress, as Kubernetes' `ValidateIngressSpec`: a default backend or
 * rules; hosts are DNS names (a leading `*.` allowed); each path has a
 * pathType, Exact and Prefix paths are absolute; a backend is exactly one
 * of a service (with exactly one of port name or number) or a resource.
 */
export function validateIngress(ing: Ingress): FieldError[] {
  const spec = ing.spec;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  if (!spec.defaultBackend && !spec.rules?.length) {
    errs.push(invalid('spec', '', 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.ingressClassName) {
    errs.push(
      ...invalidEach('spec.ingressClassName', spec.ingressClassName, isDNS1123Subdomain(spec.ingressClassName)),
    );
  }
  if (spec.defaultBackend) appendErrors(errs, validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  for (const [i, tls] of (spec.tls ?? []).entries()) {
    for (const [j, h] of (tls.hosts ?? []).entries())
      errs.push(...invalidEach(`spec.tls[${i}].hosts[${j}]`, h, hostProblems(h)));
  }
  for (const [i, rule] of (spec.rules ?? []).entries()) {
    const path = `spec.rules[${i}]`;
    if (rule.host) errs.push(...invalidEach(`${path}.host`, rule.host, hostProblems(rule.host)));
    if (!rule.http) continue;
    if (!rule.http.paths?.length) errs.push(required(`${path}.http.paths`));
    for (const [j, p] of (rule.http.paths ?? []).entries()) {
      const pp = `${path}.http.paths[${j}]`;
      if (!p.pathType) errs.push(required(`${pp}.pathType`, 'pathType must be specified'));
      else if (!pathTypes.includes(p.pathType)) errs.push(notSupported(`${pp}.pathType`, p.pathType, pathTypes));
      else if (p.pathType !== 'ImplementationSpecific' && !p.path?.startsWith('/')) {
        errs.push(invalid(`${pp}.path`, p.path ?? '', 'must be an absolute path'));
      }
      appendErrors(errs, validateBackend(p.backend, `${pp}.backend`));
    }
  }
  return errs;
}

/** IngressClass: `spec.controller` is a domain-prefixed path of at most 250 characters. */
export function validateIngressClass(ic: IngressClass): FieldError[] {
  const controller = ic.spec?.controller;
  if (!controller) return [required('spec.controller')];
  if (controller.length > 250) return [invalid('spec.controller', controller, 'must be no more than 250 characters')];
  const prefix = controller.split('/')[0]!;
  return controller.includes('/') && isDNS1123Subdomain(prefix).length === 0
    ? []
    : [invalid('spec.controller', controller, 'must be a domain-prefixed path (such as "acme.io/foo")')];
}

function cidrProblems(cidr: string): string[] {
  const [ip, bits, extra] = cidr.split('/');
  const family = isIP(ip ?? '');
  const max = family === 4 ? 32 : 128;
  if (family === 0 || extra !== undefined || !/^\d+$/.test(bits ?? '') || Number(bits) > max) {
    return ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  }
  return [];
}

function validatePeers(peers: NetworkPolicyPeer[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, peer] of (peers ?? []).entries()) {
    const pp = `${path}[${i}]`;
    const set = [peer.podSelector, peer.namespaceSelector, peer.ipBlock].filter((x) => x !== undefined).length;
    if (set === 0) errs.push(required(pp, 'must specify a peer'));
    if (peer.ipBlock && set > 1) errs.push(forbidden(pp, 'may not specify more than 1 peer type'));
    appendErrors(errs, validateLabelSelector(peer.podSelector, `${pp}.podSelector`));
    appendErrors(errs, validateLabelSelector(peer.namespaceSelector, `${pp}.namespaceSelector`));
    if (peer.ipBlock) {
      if (!peer.ipBlock.cidr) errs.push(required(`${pp}.ipBlock.cidr`));
      else errs.push(...invalidEach(`${pp}.ipBlock.cidr`, peer.ipBlock.cidr, cidrProblems(peer.ipBlock.cidr)));
      for (const [j, e] of (peer.ipBlock.except ?? []).entries()) {
        errs.push(...invalidEach(`${pp}.ipBlock.except[${j}]`, e, cidrProblems(e)));
      }
    }
  }
  return errs;
}

function validatePorts(ports: NetworkPolicyPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, p] of (ports ?? []).entries()) {
    const pp = `${path}[${i}]`;
    errs.push(...oneOf(`${pp}.protocol`, p.protocol, PROTOCOLS));
    errs.push(...portNumberOrName(`${pp}.port`, p.port));
    if (p.endPort === undefined) continue;
    if (typeof p.port !== 'number') {
      errs.push(required(`${pp}.port`, 'must be specified as a number when endPort is specified'));
    } else if (p.endPort < p.port) {
      errs.push(invalid(`${pp}.endPort`, p.endPort, 'must be greater than or equal to `port`'));
    }
    errs.push(...portNumber(`${pp}.endPort`, p.endPort));
  }
  return errs;
}

/**
 * NetworkPolicy, as Kubernetes' `ValidateNetworkPolicySpec`: a valid pod
 * selector; each peer exactly one kind (an ipBlock alone, with CIDRs);
 * ports with a protocol from the set, a number or name, `endPort >= port`;
 * policy types Ingress and Egress, at most two.
 */
export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const spec = np.spec;
  if (!spec) return [required('spec')];
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  if (!spec.podSelector) errs.push(required('spec.podSelector'));
  for (const [i, rule] of (spec.ingress ?? []).entries()) {
    appendErrors(errs, validatePorts(rule.ports, `spec.ingress[${i}].ports`));
    appendErrors(errs, validatePeers(rule.from, `spec.ingress[${i}].from`));
  }
  for (const [i, rule] of (spec.egress ?? []).entries()) {
    appendErrors(errs, validatePorts(rule.ports, `spec.egress[${i}].ports`));
    appendErrors(errs, validatePeers(rule.to, `spec.egress[${i}].to`));
  }
  const types = spec.policyTypes ?? [];
  if (types.length > 2) errs.push(tooMany('spec.policyTypes', types.length, 2));
  for (const [i, t] of types.entries()) errs.push(...oneOf(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  return errs;
}
