import { type FieldError, InvalidError, type Service, type ServicePort } from '@flotilla/core';
import type { EndpointSlice } from './discovery-types.js';
import {
  FieldProblems,
  integerProblem,
  ipNumber,
  ipv4CidrProblem,
  ipv4Problem,
  labelProblem,
  portProblem,
  protocolProblem,
  serviceNameProblem,
  subdomainProblem,
} from './rule-values.js';

/** Transport protocol of a service port, lowercase as iptables and nft spell it. */
export type ProxyProtocol = 'tcp' | 'udp' | 'sctp';

/** The label on an EndpointSlice that names its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Kubernetes' default ClientIP affinity timeout: 3 hours. */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

/** What the proxy knows about the node it runs on. */
export interface NodeFacts {
  readonly nodeName: string;
  readonly nodeIPs: readonly string[];
  /** Pod network; traffic from outside it to a ClusterIP is masqueraded. */
  readonly clusterCIDR?: string;
  /** Bit of the packet mark that asks for masquerade (kube-proxy's default 14, i.e. 0x4000). */
  readonly masqueradeBit: number;
  /** Masquerade all ClusterIP traffic, not only traffic from outside `clusterCIDR`. */
  readonly masqueradeAll: boolean;
}

/** One backend of a service port, as the data plane needs it. */
export interface ProxyEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly isLocal: boolean;
  readonly nodeName?: string;
  readonly hostname?: string;
}

/** One port of one Service, normalized: the unit every generator works on. */
export interface ServicePortState {
  /** `namespace/name` plus `:portName` when the port is named (kube-proxy's ServicePortName). */
  readonly name: string;
  readonly namespace: string;
  readonly serviceName: string;
  readonly portName: string;
  readonly protocol: ProxyProtocol;
  /** Absent for headless services (`clusterIP: None`): DNS serves them, the data plane does not. */
  readonly clusterIP?: string;
  readonly port: number;
  readonly nodePort?: number;
  readonly externalIPs: readonly string[];
  readonly loadBalancerIPs: readonly string[];
  readonly loadBalancerSourceRanges: readonly string[];
  /** Set when `sessionAffinity: ClientIP`. */
  readonly affinityTimeoutSeconds?: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** Every endpoint of the port, sorted by `ip:port`. */
  readonly endpoints: readonly ProxyEndpoint[];
  /** Endpoints for Cluster traffic policy: the ready ones, else the serving ones that are terminating. */
  readonly clusterEndpoints: readonly ProxyEndpoint[];
  /** Endpoints on this node for Local traffic policy, chosen the same way. */
  readonly localEndpoints: readonly ProxyEndpoint[];
}

/**
 * An ExternalName Service: a DNS alias, nothing for the data plane. Kept
 * apart from `servicePorts` so that the rule generators never see it.
 */
export interface ExternalNameService {
  readonly namespace: string;
  readonly name: string;
  /** `spec.externalName`, a DNS-1123 subdomain, without the trailing dot Kubernetes allows. */
  readonly externalName: string;
}

/**
 * An object, or part of one, that the proxy could not program, and why.
 * Everything else is programmed: one bad Service never stops the others,
 * as kube-proxy skips what it cannot program.
 */
export interface SkippedObject {
  /** `Service`: the whole Service was left out. `EndpointSlice`: the endpoints named in `fields` were left out. */
  readonly kind: 'Service' | 'EndpointSlice';
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name` of the Service the object belongs to. */
  readonly service: string;
  /** Each field that could not be programmed, worded as the Api words validation errors. */
  readonly fields: readonly FieldError[];
}

/** A normalized, sorted view of every proxied service port on one node. */
export interface ProxyState {
  readonly node: NodeFacts;
  /** Sorted by `name`: the same input always gives the same order. */
  readonly servicePorts: readonly ServicePortState[];
  /**
   * ExternalName services, sorted by `namespace/name`, for cluster DNS.
   * Optional so that states built by hand stay valid; `buildProxyState`
   * always sets it.
   */
  readonly externalNames?: readonly ExternalNameService[];
  /**
   * What was left out and why, sorted by `service`, then kind and name.
   * Optional so that states built by hand stay valid; `buildProxyState`
   * always sets it.
   */
  readonly skipped?: readonly SkippedObject[];
}

/** The input every generator takes: Kubernetes objects plus node facts. */
export interface ProxyInput {
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly nodeName: string;
  readonly nodeIPs: readonly string[];
  readonly clusterCIDR?: string;
  readonly masqueradeBit?: number;
  readonly masqueradeAll?: boolean;
}

/** What a frozen Service normalized to, for which slices and node. */
interface NormalizedService {
  /** `namespace/name`, kept so that later syncs reuse the string (and its hash) instead of building it again. */
  readonly key: string;
  readonly slices: readonly EndpointSlice[];
  readonly nodeKey: string;
  readonly ports: readonly ServicePortState[];
  /** The ExternalName alias, for an ExternalName Service that could be read. */
  readonly alias?: ExternalNameService;
  readonly skipped: readonly SkippedObject[];
}

/**
 * Frozen inputs to what they normalized to. Informer caches hand out the same
 * frozen object until it changes, so a sync of 10,000 services re-reads only
 * the changed ones, and unchanged ports keep their identity (the generators'
 * fast path for "unchanged"). Weak: entries go with the objects.
 */
const normalizedServices = new WeakMap<Service, NormalizedService>();

/** An object name as it may appear in an error message: JSON-escaped, so a hostile name cannot add lines. */
const escaped = (name: unknown) => JSON.stringify(String(name)).slice(1, -1);

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Normalizes Services and EndpointSlices into the per-port state the
 * generators render. With `previous` (the state of the last call), only the
 * services whose objects changed are read again.
 *
 * Guarantees: deterministic (same input, same output, byte for byte, after
 * rendering); every name, address, port and protocol in the result passed
 * the checks in `rule-values.ts`; an object that fails them is left out and
 * listed in `skipped` with each bad field (`spec.ports[0].port`,
 * `endpoints[2].addresses[0]`, ...), and everything else is programmed: a
 * Service with a bad field or no cluster IP yet is left out whole, a bad
 * endpoint alone. Addresses and ranges of the other IP family (IPv6) are
 * ignored, as a single-stack kube-proxy ignores them. Only bad node facts
 * (`nodeName`, `nodeIPs`, ...) throw an `InvalidError`; headless
 * services keep their ports (for DNS) without a `clusterIP`; ExternalName
 * services have no ports and are listed in `externalNames` (their
 * `spec.externalName` must be a DNS-1123 subdomain); non-IPv4 slices are
 * left out.
 *
 * Caveats: a frozen Service whose frozen slices are the same objects as in an
 * earlier call (for the same node facts) is not re-read: its ports are the
 * same objects as then. Informer caches freeze their objects; mutate a copy,
 * never a cached object. Unfrozen objects are always re-read (and make the
 * call a full rebuild).
 */
export function buildProxyState(input: ProxyInput, previous?: ProxyState): ProxyState {
  const node = nodeFacts(input);
  const nodeKey = JSON.stringify(node);
  const source = previous ? sources.get(previous) : undefined;
  const patched = source && source.nodeKey === nodeKey ? patchState(previous!, source, input, node) : undefined;
  return patched ?? rebuildState(input, node, nodeKey);
}

/**
 * `input` as a `ProxyState`: itself when it is one, else built from its
 * Kubernetes objects (reusing `previous`, as `buildProxyState` does). Lets
 * the userspace proxy and cluster DNS take the same input as the rule
 * generators.
 */
export function proxyStateOf(input: ProxyState | ProxyInput, previous?: ProxyState): ProxyState {
  return 'servicePorts' in input ? input : buildProxyState(input, previous);
}

/**
 * Where a state came from, kept so the next call can find what changed by
 * comparing input arrays position by position (informer caches list objects
 * in a stable order, and an unchanged object is the same frozen object).
 */
interface StateSource {
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly nodeKey: string;
  /** Position of each service (by `namespace/name`) in `services`; unchanged while keys stay at their positions. */
  readonly serviceIndex: ReadonlyMap<string, number>;
  /** Positions of each service's slices in `endpointSlices`. */
  readonly sliceIndex: ReadonlyMap<string, readonly number[]>;
}

const sources = new WeakMap<ProxyState, StateSource>();

/** Above this many changed services a patch is no cheaper than a rebuild. */
const PATCH_LIMIT = 256;

function rebuildState(input: ProxyInput, node: NodeFacts, nodeKey: string): ProxyState {
  const serviceIndex = new Map<string, number>();
  const sliceIndex = new Map<string, number[]>();
  for (let i = 0; i < input.endpointSlices.length; i++) {
    const key = sliceServiceKey(input.endpointSlices[i]);
    if (key === undefined) continue;
    const positions = sliceIndex.get(key);
    if (positions) positions.push(i);
    else sliceIndex.set(key, [i]);
  }
  const servicePorts: ServicePortState[] = [];
  let externalNames: ExternalNameService[] | undefined;
  let skipped: SkippedObject[] | undefined;
  let duplicates = false;
  for (let i = 0; i < input.services.length; i++) {
    const service = input.services[i];
    const key = serviceKeyOf(service);
    duplicates ||= serviceIndex.has(key);
    serviceIndex.set(key, i);
    const normalized = normalizedOf(service, key, slicesAt(input.endpointSlices, sliceIndex.get(key)), node, nodeKey);
    for (const p of normalized.ports) servicePorts.push(p);
    if (normalized.alias) {
      externalNames ??= [];
      externalNames.push(normalized.alias);
    }
    if (normalized.skipped.length > 0) {
      skipped ??= [];
      for (const s of normalized.skipped) skipped.push(s);
    }
  }
  servicePorts.sort(comparePorts);
  const state: ProxyState = {
    node,
    servicePorts,
    externalNames: externalNames?.sort(compareExternalNames) ?? noAliases,
    skipped: skipped?.sort(compareSkipped) ?? noSkipped,
  };
  if (!duplicates) {
    // Copies: a caller may reuse and mutate its arrays, and the next call must compare against what this one saw.
    sources.set(state, {
      services: input.services.slice(),
      endpointSlices: input.endpointSlices.slice(),
      nodeKey,
      serviceIndex,
      sliceIndex,
    });
  }
  return state;
}

/**
 * The state for `input` made from `previous` by re-reading only the services
 * whose Service or slices are different objects at the same positions; or
 * `undefined` when the inputs moved (an object added or removed, a key at a
 * new position, unfrozen objects, too many changes), and a rebuild is due.
 */
function patchState(
  previous: ProxyState,
  source: StateSource,
  input: ProxyInput,
  node: NodeFacts,
): ProxyState | undefined {
  const { services, endpointSlices } = input;
  if (services.length !== source.services.length || endpointSlices.length !== source.endpointSlices.length) {
    return undefined;
  }
  const changedServices = changedPositions(services, source.services);
  const changedSlices = changedPositions(endpointSlices, source.endpointSlices);
  if (changedServices.length + changedSlices.length > PATCH_LIMIT) return undefined;
  const touched = new Set<string>();
  for (const i of changedServices) {
    const key = serviceKeyOf(services[i]);
    if (!Object.isFrozen(services[i]) || key !== serviceKeyOf(source.services[i])) return undefined;
    touched.add(key);
  }
  for (const i of changedSlices) {
    const key = sliceServiceKey(endpointSlices[i]);
    if (!Object.isFrozen(endpointSlices[i]) || key !== sliceServiceKey(source.endpointSlices[i])) return undefined;
    if (key !== undefined) touched.add(key);
  }
  let servicePorts = previous.servicePorts;
  let externalNames = previous.externalNames ?? noAliases;
  let skipped = previous.skipped ?? noSkipped;
  let endpoints = endpointCount(previous);
  const removed: number[] = [];
  const added: number[] = [];
  if (touched.size > 0) {
    const fresh: ServicePortState[] = [];
    const freshSkipped: SkippedObject[] = [];
    for (const key of touched) {
      const i = source.serviceIndex.get(key);
      const service = i === undefined ? undefined : services[i];
      if (service) {
        const slices = slicesAt(endpointSlices, source.sliceIndex.get(key));
        const normalized = normalizedOf(service, key, slices, node, source.nodeKey);
        externalNames = withExternalName(externalNames, key, normalized.alias);
        for (const at of portPositions(previous.servicePorts, key)) removed.push(at);
        for (const p of normalized.ports) fresh.push(p);
        for (const s of normalized.skipped) freshSkipped.push(s);
      }
    }
    if (skipped.length > 0 || freshSkipped.length > 0) {
      // Rarely anything: a cluster has few objects the proxy cannot program.
      skipped = skipped
        .filter((s) => !touched.has(s.service))
        .concat(freshSkipped)
        .sort(compareSkipped);
    }
    removed.sort((a, b) => a - b);
    fresh.sort(comparePorts);
    // Splices, not a filter and a merge: the untouched ports are never read, and in a large heap every port
    // read is a cache miss, so a one-service change stays proportional to the change.
    const ports = previous.servicePorts.slice();
    for (let k = removed.length - 1; k >= 0; k--) {
      endpoints -= ports[removed[k]].endpoints.length;
      ports.splice(removed[k], 1);
    }
    for (const p of fresh) {
      const at = upperBound(ports, p);
      ports.splice(at, 0, p);
      added.push(at);
      endpoints += p.endpoints.length;
    }
    servicePorts = ports;
  }
  if (servicePorts !== previous.servicePorts) {
    summaries.set(servicePorts, {
      endpointCount: endpoints,
      patch: { basePorts: previous.servicePorts, removed, added },
    });
  }
  const state: ProxyState = { node, servicePorts, externalNames, skipped };
  sources.set(state, { ...source, services: services.slice(), endpointSlices: endpointSlices.slice() });
  return state;
}

/**
 * `aliases` with the entry of service `key` (`namespace/name`) replaced by
 * `alias`, what the service says now: removed when it has none (no longer
 * ExternalName, or skipped), added or changed when it has one. The same
 * array when neither applies, so a patch that touches no ExternalName
 * service copies nothing.
 */
function withExternalName(
  aliases: readonly ExternalNameService[],
  key: string,
  alias: ExternalNameService | undefined,
): readonly ExternalNameService[] {
  const at = lowerBound(aliases, key, aliasKey);
  const present = at < aliases.length && aliasKey(aliases[at]) === key;
  if (!present && !alias) return aliases;
  const next = aliases.slice();
  if (alias) next.splice(at, present ? 1 : 0, alias);
  else next.splice(at, 1);
  return next;
}

/**
 * Positions where `now` holds another object than `before` (arrays of one
 * length). A small function of its own, which V8 optimizes after a call or
 * two: the same loops inline in `patchState` (called once per sync) took
 * ~0.85 ms for 10,000 services and 10,000 slices in a benchmark process,
 * about two thirds of a one-service partial sync.
 */
function changedPositions(now: readonly object[], before: readonly object[]): number[] {
  const changed: number[] = [];
  for (let i = 0; i < now.length; i++) if (now[i] !== before[i]) changed.push(i);
  return changed;
}

/** Positions, ascending, of the ports of service `key` (`namespace/name`) in sorted `ports`, found by binary search. */
function portPositions(ports: readonly ServicePortState[], key: string): number[] {
  // An unnamed port is named `key`; named ones `key:<port>`, which sort together: anything between two names
  // with the prefix `key:` has that prefix too. (`key-1/...` may sort between `key` and `key:`.)
  const positions: number[] = [];
  for (let at = lowerBound(ports, key, portName); at < ports.length && ports[at].name === key; at++) positions.push(at);
  const named = `${key}:`;
  for (let at = lowerBound(ports, named, portName); at < ports.length && ports[at].name.startsWith(named); at++) {
    positions.push(at);
  }
  return positions;
}

/** The first position in `items` (sorted by `keyOf`) whose key is not below `key`. */
function lowerBound<T>(items: readonly T[], key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(items[mid]) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const portName = (port: ServicePortState) => port.name;

/** The first position in sorted `ports` that sorts after `port` (equal ones stay before it, as a stable merge keeps them). */
function upperBound(ports: readonly ServicePortState[], port: ServicePortState): number {
  let lo = 0;
  let hi = ports.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePorts(ports[mid], port) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How a state made from a previous one differs from it, by position, so
 * that per-port arrays kept beside the previous state (renderings) can be
 * edited the same way instead of walked.
 */
export interface StatePatch {
  /** The `servicePorts` of the state this one was made from. */
  readonly basePorts: readonly ServicePortState[];
  /** Positions in `basePorts` of the ports taken out, ascending. */
  readonly removed: readonly number[];
  /** Positions in the new `servicePorts` of the ports put in, ascending, after the removals. */
  readonly added: readonly number[];
}

/** Facts derived from a state's port array, kept beside it (a state stays a plain object). */
interface StateSummary {
  readonly endpointCount: number;
  readonly patch?: StatePatch;
}

/**
 * Keyed by `servicePorts` arrays, weakly: a summary goes with its array. A
 * patch holds the previous array, never the previous summary's patch, so no
 * chain of states is retained.
 */
const summaries = new WeakMap<readonly ServicePortState[], StateSummary>();

/** The patch that made the port array `servicePorts` from a previous state's, when `buildProxyState` made it that way. */
export function statePatch(servicePorts: readonly ServicePortState[]): StatePatch | undefined {
  return summaries.get(servicePorts)?.patch;
}

/** Endpoints over all service ports of `state` (kept up to date by patches, so a partial sync does not count them again). */
export function endpointCount(state: ProxyState): number {
  const known = summaries.get(state.servicePorts);
  if (known) return known.endpointCount;
  const count = state.servicePorts.reduce((n, p) => n + p.endpoints.length, 0);
  summaries.set(state.servicePorts, { endpointCount: count });
  return count;
}

const comparePorts = (a: ServicePortState, b: ServicePortState) =>
  byString(a.name, b.name) || byString(a.protocol, b.protocol);

/** The service's slices, sorted by name, from their positions. */
function slicesAt(all: readonly EndpointSlice[], positions: readonly number[] | undefined): readonly EndpointSlice[] {
  if (!positions) return noSlices;
  const slices = positions.map((i) => all[i]);
  if (slices.length > 1) slices.sort((a, b) => byString(a.metadata.name, b.metadata.name));
  return slices;
}

/**
 * What one Service normalizes to (ports, or its alias for ExternalName, and
 * what was skipped), from the cache when its inputs are the same frozen
 * objects.
 */
function normalizedOf(
  service: Service,
  key: string,
  slices: readonly EndpointSlice[],
  node: NodeFacts,
  nodeKey: string,
): NormalizedService {
  const frozen = Object.isFrozen(service);
  const cached = frozen ? normalizedServices.get(service) : undefined;
  if (cached && cached.nodeKey === nodeKey && sameSlices(cached.slices, slices)) return cached;
  const read = isExternalName(service) ? externalNameOf(service, key) : normalizeService(service, key, slices, node);
  const normalized: NormalizedService = { key, slices, nodeKey, ports: noPorts, skipped: noSkipped, ...read };
  if (frozen && slices.every((slice) => Object.isFrozen(slice))) normalizedServices.set(service, normalized);
  return normalized;
}

/** `namespace/name` of a Service, reusing the cached string for frozen ones. */
function serviceKeyOf(service: Service): string {
  return normalizedServices.get(service)?.key ?? serviceKey(service.metadata.namespace, service.metadata.name);
}

const noPorts: readonly ServicePortState[] = [];
const noSlices: readonly EndpointSlice[] = [];
const noAliases: readonly ExternalNameService[] = [];
const noSkipped: readonly SkippedObject[] = [];

const compareSkipped = (a: SkippedObject, b: SkippedObject) =>
  byString(a.service, b.service) || byString(a.kind, b.kind) || byString(a.name, b.name);

/** The record of a whole Service left out. */
function skippedService(service: Service, key: string, fields: readonly FieldError[]): SkippedObject {
  return {
    kind: 'Service',
    namespace: service.metadata.namespace ?? '',
    name: service.metadata.name,
    service: key,
    fields,
  };
}

const isExternalName = (service: Service) => service.spec?.type === 'ExternalName';

const aliasKey = (alias: ExternalNameService) => serviceKey(alias.namespace, alias.name);

const compareExternalNames = (a: ExternalNameService, b: ExternalNameService) => byString(aliasKey(a), aliasKey(b));

/**
 * The validated alias of an ExternalName Service. Its names become DNS
 * names and answers, so they pass the same checks as other services' names;
 * one trailing dot on `spec.externalName` is allowed, as Kubernetes does.
 */
function externalNameOf(
  service: Service,
  key: string,
): { alias: ExternalNameService } | { skipped: readonly SkippedObject[] } {
  const namespace = service.metadata.namespace ?? '';
  const name = service.metadata.name;
  const target = service.spec?.externalName;
  const externalName = typeof target === 'string' && target.endsWith('.') ? target.slice(0, -1) : target;
  const problems = new FieldProblems();
  problems.check('metadata.namespace', labelProblem(namespace));
  problems.check('metadata.name', serviceNameProblem(name));
  problems.check('spec.externalName', subdomainProblem(externalName));
  if (problems.errors.length > 0) return { skipped: [skippedService(service, key, problems.errors)] };
  return { alias: { namespace, name, externalName: externalName as string } };
}

function nodeFacts(input: ProxyInput): NodeFacts {
  const problems = new FieldProblems();
  problems.check('nodeName', subdomainProblem(input.nodeName));
  for (const [i, ip] of input.nodeIPs.entries()) problems.check(`nodeIPs[${i}]`, ipv4Problem(ip));
  if (input.clusterCIDR !== undefined) problems.check('clusterCIDR', ipv4CidrProblem(input.clusterCIDR));
  const masqueradeBit = input.masqueradeBit ?? 14;
  problems.check('masqueradeBit', integerProblem(masqueradeBit, 0, 31));
  if (problems.errors.length > 0) throw new InvalidError('ProxyInput', escaped(input.nodeName), problems.errors);
  return {
    nodeName: input.nodeName,
    nodeIPs: [...input.nodeIPs].sort(byString),
    clusterCIDR: input.clusterCIDR,
    masqueradeBit,
    masqueradeAll: input.masqueradeAll ?? false,
  };
}

function sameSlices(a: readonly EndpointSlice[], b: readonly EndpointSlice[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const serviceKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

/** The `namespace/service` an IPv4 slice belongs to. */
function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const serviceName = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  return serviceName && slice.addressType === 'IPv4' ? serviceKey(slice.metadata.namespace, serviceName) : undefined;
}

function normalizeService(
  service: Service,
  key: string,
  slices: readonly EndpointSlice[],
  node: NodeFacts,
): { ports: readonly ServicePortState[]; skipped: readonly SkippedObject[] } {
  const namespace = service.metadata.namespace ?? '';
  const serviceName = service.metadata.name;
  const spec = service.spec ?? {};
  const problems = new FieldProblems();
  problems.check('metadata.namespace', labelProblem(namespace));
  problems.check('metadata.name', serviceNameProblem(serviceName));
  const headless = spec.clusterIP === 'None';
  if (!headless) {
    problems.check(
      'spec.clusterIP',
      spec.clusterIP === undefined || spec.clusterIP === ''
        ? 'Required value: no cluster IP allocated yet'
        : ipv4Problem(spec.clusterIP),
    );
  }
  const externalIPs = checkedList(problems, 'spec.externalIPs', spec.externalIPs, ipv4Problem);
  const ingress = service.status?.loadBalancer?.ingress?.map((i) => i.ip).filter((ip) => ip !== undefined);
  const loadBalancerIPs = checkedList(problems, 'status.loadBalancer.ingress', ingress, ipv4Problem);
  const sourceRanges = checkedList(
    problems,
    'spec.loadBalancerSourceRanges',
    spec.loadBalancerSourceRanges,
    ipv4CidrProblem,
  );
  let affinityTimeoutSeconds: number | undefined;
  if (spec.sessionAffinity === 'ClientIP') {
    affinityTimeoutSeconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
    problems.check(
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      integerProblem(affinityTimeoutSeconds, 1, 86_400),
    );
  }
  const ports = spec.ports ?? [];
  for (let i = 0; i < ports.length; i++) checkPort(problems, `spec.ports[${i}]`, ports[i], ports.length);
  if (problems.errors.length > 0) return { ports: noPorts, skipped: [skippedService(service, key, problems.errors)] };
  const skipped: SkippedObject[] = [];
  const endpointsByPort = collectEndpoints(slices, node, key, skipped);

  const externalPolicyLocal = spec.externalTrafficPolicy === 'Local';
  const internalPolicyLocal = spec.internalTrafficPolicy === 'Local';
  const exposed = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const normalized = ports.map((p): ServicePortState => {
    const portName = p.name ?? '';
    const endpoints = endpointsByPort.get(`${portName}/${(p.protocol ?? 'TCP').toLowerCase()}`) ?? noEndpoints;
    const local = endpoints.filter((e) => e.isLocal);
    return {
      name: portName ? `${namespace}/${serviceName}:${portName}` : `${namespace}/${serviceName}`,
      namespace,
      serviceName,
      portName,
      protocol: (p.protocol ?? 'TCP').toLowerCase() as ProxyProtocol,
      clusterIP: headless ? undefined : spec.clusterIP,
      port: p.port,
      nodePort: exposed && !headless ? p.nodePort : undefined,
      externalIPs,
      loadBalancerIPs: spec.type === 'LoadBalancer' ? loadBalancerIPs : noStrings,
      loadBalancerSourceRanges: spec.type === 'LoadBalancer' ? sourceRanges : noStrings,
      affinityTimeoutSeconds,
      externalPolicyLocal,
      internalPolicyLocal,
      endpoints,
      clusterEndpoints: usable(endpoints),
      localEndpoints: usable(local),
    };
  });
  return { ports: normalized, skipped: skipped.length > 0 ? skipped : noSkipped };
}

function checkPort(problems: FieldProblems, path: string, p: ServicePort, count: number): void {
  if (p.name !== undefined || count > 1) problems.check(`${path}.name`, labelProblem(p.name));
  problems.check(`${path}.port`, portProblem(p.port));
  if (p.protocol !== undefined) problems.check(`${path}.protocol`, protocolProblem(p.protocol));
  if (p.nodePort !== undefined) problems.check(`${path}.nodePort`, portProblem(p.nodePort));
}

/**
 * The valid IPv4 entries of an address or range list. IPv6 entries are
 * ignored, as a single-stack IPv4 kube-proxy ignores the other family's
 * (a dual-stack Service lists both); anything else is a problem.
 */
function checkedList(
  problems: FieldProblems,
  path: string,
  values: readonly unknown[] | undefined,
  problem: (v: unknown) => string | undefined,
): readonly string[] {
  // Most services have none of these lists: share one empty array rather than make three per service.
  if (values === undefined || values.length === 0) return noStrings;
  const ok = values.filter((v, i) => !isIPv6Text(v) && problems.check(`${path}[${i}]`, problem(v))) as string[];
  return [...new Set(ok)].sort(byString);
}

/** An IPv6 address or range as written in a Service: the other family for this proxy, not an error. */
const isIPv6Text = (value: unknown) =>
  typeof value === 'string' && value.includes(':') && /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(value);

const noStrings: readonly string[] = [];
const noEndpoints: readonly ProxyEndpoint[] = [];

/** Kubernetes' rule: ready endpoints if any, else the serving ones that are terminating (graceful drain). */
function usable(endpoints: readonly ProxyEndpoint[]): readonly ProxyEndpoint[] {
  // The usual case, all ready, shares the array instead of copying it.
  if (endpoints.every((e) => e.ready)) return endpoints;
  const ready = endpoints.filter((e) => e.ready);
  return ready.length > 0 ? ready : endpoints.filter((e) => e.serving && e.terminating);
}

/** The endpoints of one port, in the order slices list them, with their `ip:port` numbers. */
interface PortEndpoints {
  readonly endpoints: ProxyEndpoint[];
  /** `ip:port` as one number per endpoint: the dedupe key and the sort order at once. */
  readonly ids: number[];
  /** True while every id is above the one before: already sorted, and no duplicates. */
  ascending: boolean;
}

/**
 * Endpoints per `portName/protocol`, deduplicated by `ip:port` across slices
 * (the first wins) and sorted. A bad port or endpoint is left out and
 * recorded in `skipped` under its slice; the rest are kept.
 */
function collectEndpoints(
  slices: readonly EndpointSlice[],
  node: NodeFacts,
  service: string,
  skipped: SkippedObject[],
): Map<string, readonly ProxyEndpoint[]> {
  const byPort = new Map<string, PortEndpoints>();
  for (const slice of slices) {
    const problems = new FieldProblems();
    // Indexed loops, and field paths built only for a bad value: a large cluster has a hundred thousand good
    // endpoints, and an iterator pair or a path closure each would be garbage to collect.
    const slicePorts = slice.ports ?? [];
    for (let pi = 0; pi < slicePorts.length; pi++) {
      const sp = slicePorts[pi];
      if (sp.name && !problems.check(`ports[${pi}].name`, labelProblem(sp.name))) continue;
      if (!problems.check(`ports[${pi}].port`, portProblem(sp.port))) continue;
      if (sp.protocol !== undefined && !problems.check(`ports[${pi}].protocol`, protocolProblem(sp.protocol))) continue;
      const port = sp.port as number;
      const key = `${sp.name ?? ''}/${(sp.protocol ?? 'TCP').toLowerCase()}`;
      let collected = byPort.get(key);
      if (collected === undefined) {
        collected = { endpoints: [], ids: [], ascending: true };
        byPort.set(key, collected);
      }
      for (let ei = 0; ei < slice.endpoints.length; ei++) {
        const e = slice.endpoints[ei];
        const ip = e.addresses[0];
        const address = ipNumber(ip);
        if (address === undefined) {
          problems.check(`endpoints[${ei}].addresses[0]`, ipv4Problem(ip));
          continue;
        }
        if (e.nodeName !== undefined && !validNodeNames.has(e.nodeName)) {
          if (!problems.check(`endpoints[${ei}].nodeName`, subdomainProblem(e.nodeName))) continue;
          validNodeNames.add(e.nodeName);
        }
        // A bad hostname costs the endpoint its DNS name only; traffic still reaches it.
        const hostname =
          e.hostname === undefined || problems.check(`endpoints[${ei}].hostname`, labelProblem(e.hostname))
            ? e.hostname
            : undefined;
        const id = address * 65536 + port;
        const { ids } = collected;
        if (ids.length > 0 && id <= ids[ids.length - 1]) collected.ascending = false;
        const ready = e.conditions?.ready ?? true;
        ids.push(id);
        collected.endpoints.push({
          ip,
          port,
          ready,
          serving: e.conditions?.serving ?? ready,
          terminating: e.conditions?.terminating ?? false,
          isLocal: e.nodeName === node.nodeName,
          nodeName: e.nodeName,
          hostname,
        });
      }
    }
    if (problems.errors.length > 0) {
      const { namespace = '', name } = slice.metadata;
      skipped.push({ kind: 'EndpointSlice', namespace, name, service, fields: problems.errors });
    }
  }
  const sorted = new Map<string, readonly ProxyEndpoint[]>();
  for (const [key, collected] of byPort) {
    sorted.set(key, collected.ascending ? collected.endpoints : sortedUnique(collected));
  }
  return sorted;
}

/** The endpoints sorted by id, keeping the first of each id (slices may overlap while they are rebalanced). */
function sortedUnique({ endpoints, ids }: PortEndpoints): ProxyEndpoint[] {
  const order = ids.map((_, i) => i).sort((a, b) => ids[a] - ids[b] || a - b);
  const unique: ProxyEndpoint[] = [];
  for (let k = 0; k < order.length; k++) {
    if (k === 0 || ids[order[k]] !== ids[order[k - 1]]) unique.push(endpoints[order[k]]);
  }
  return unique;
}

/** Node names seen valid: a cluster has few nodes and many endpoints, so each name is checked once per process. */
const validNodeNames = new Set<string>();

/** The mark value of the masquerade bit, as kube-proxy prints it (`0x4000`). */
export function masqueradeMark(node: NodeFacts): string {
  return `0x${((1 << node.masqueradeBit) >>> 0).toString(16)}`;
}
