import type { FieldError } from '../errors/api-errors.js';
import type { Service } from '../model/core-v1.js';
import { validateLabels } from '../model/labels.js';
import { PROTOCOLS } from './core-values.js';
import { appendErrors, duplicate, forbidden, invalid, invalidEach, oneOf, required } from './field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { portNumber, portNumberOrName } from './numbers.js';

const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
const ipv4Re = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a dotted-quad IPv4 address without leading zeros (`010.0.0.1` is ambiguous and refused). */
export function isIPv4(value: string): boolean {
  return ipv4Re.test(value);
}

/**
 * Validates a Service the way Kubernetes does for the parts Flotilla uses:
 * type, ports (required except for headless services and ExternalName;
 * numbers 1..65535, names unique and required when there is more than one,
 * protocol, targetPort number or name, nodePort syntax only — the range is
 * the allocator's job), clusterIP (IPv4 or `None`, immutable once set),
 * ExternalName's `externalName`, session affinity and the selector's labels.
 */
export function validateService(svc: Service, old?: Service): FieldError[] {
  const spec = svc.spec;
  if (!spec || typeof spec !== 'object') return [required('spec')];
  const errs: FieldError[] = [];
  const type = spec.type ?? 'ClusterIP';
  errs.push(...oneOf('spec.type', type, serviceTypes));
  const headless = spec.clusterIP === 'None';
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `spec.ports[${i}]`;
    if (ports.length > 1 && !port.name) errs.push(required(`${p}.name`));
    if (port.name) {
      // A Service port name is a DNS-1123 label (Kubernetes' ValidateServicePort), not an IANA service name as
      // a container port's is: `kubectl create service clusterip s --tcp=80:8080` names its port `80-8080`.
      errs.push(...invalidEach(`${p}.name`, port.name, isDNS1123Label(port.name)));
      if (names.has(port.name)) errs.push(duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    if (port.port === undefined) errs.push(required(`${p}.port`));
    else errs.push(...portNumber(`${p}.port`, port.port));
    errs.push(...oneOf(`${p}.protocol`, port.protocol, PROTOCOLS));
    errs.push(...portNumberOrName(`${p}.targetPort`, port.targetPort === 0 ? undefined : port.targetPort));
    if (port.nodePort !== undefined && port.nodePort !== 0) errs.push(...portNumber(`${p}.nodePort`, port.nodePort));
    if (port.nodePort && type !== 'NodePort' && type !== 'LoadBalancer') {
      errs.push(forbidden(`${p}.nodePort`, `may not be used when \`type\` is '${type}'`));
    }
  });
  if (spec.clusterIP !== undefined && spec.clusterIP !== '' && !headless && !isIPv4(spec.clusterIP)) {
    errs.push(
      invalid('spec.clusterIP', spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
    );
  }
  const oldIP = old?.spec?.clusterIP;
  if (oldIP && spec.clusterIP !== oldIP && old?.spec?.type !== 'ExternalName' && type !== 'ExternalName') {
    errs.push(invalid('spec.clusterIP', spec.clusterIP ?? '', 'field is immutable'));
  }
  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
    else errs.push(...invalidEach('spec.externalName', spec.externalName, isDNS1123Subdomain(spec.externalName)));
  }
  errs.push(...oneOf('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0 || timeout > 86400)) {
    errs.push(
      invalid(
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
        timeout,
        'must be greater than 0 and less than 86400',
      ),
    );
  }
  errs.push(...oneOf('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  errs.push(...oneOf('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  if (spec.externalTrafficPolicy !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
    errs.push(
      invalid(
        'spec.externalTrafficPolicy',
        spec.externalTrafficPolicy,
        'may only be set for externally-accessible services',
      ),
    );
  }
  appendErrors(errs, validateLabels(spec.selector, 'spec.selector'));
  for (const [i, ip] of (spec.externalIPs ?? []).entries()) {
    if (!isIPv4(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address'));
  }
  return errs;
}
