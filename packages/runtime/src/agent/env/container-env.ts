import {
  type ConfigMap,
  type Container,
  type EnvVar,
  type Pod,
  parseMilli,
  parseValue,
  type Secret,
  type Service,
} from '@flotilla/core';
import { RuntimeError } from '../../cri/errors.js';
import type { KeyValue } from '../../cri/messages.js';
import { expandReferences } from './expansion.js';

/** What the environment of a container is built from, besides the pod. */
export interface EnvSources {
  /** The ConfigMap `envFrom` / `valueFrom` names, or undefined if it does not exist. */
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  /** The Secret `envFrom` / `valueFrom` names, or undefined if it does not exist. */
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** The namespace's Services, for the `<SVC>_SERVICE_HOST` / `_PORT` variables. */
  services(namespace: string): Promise<readonly Readonly<Service>[]>;
}

const envName = (s: string) => s.toUpperCase().replace(/-/g, '_');

/** Docker-link style variables for every service of the namespace with a cluster IP (`<SVC>_SERVICE_HOST`, ...). */
export function serviceEnv(services: readonly Readonly<Service>[]): KeyValue[] {
  const out: KeyValue[] = [];
  for (const svc of [...services].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const ip = svc.spec.clusterIP;
    const ports = svc.spec.ports ?? [];
    if (!ip || ip === 'None' || ports.length === 0) continue;
    const name = envName(svc.metadata.name);
    out.push({ key: `${name}_SERVICE_HOST`, value: ip }, { key: `${name}_SERVICE_PORT`, value: String(ports[0].port) });
    for (const p of ports) {
      if (p.name) out.push({ key: `${name}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
    }
    const proto = (ports[0].protocol ?? 'TCP').toLowerCase();
    out.push({ key: `${name}_PORT`, value: `${proto}://${ip}:${ports[0].port}` });
    for (const p of ports) {
      const pr = (p.protocol ?? 'TCP').toLowerCase();
      const prefix = `${name}_PORT_${p.port}_${pr.toUpperCase()}`;
      out.push(
        { key: prefix, value: `${pr}://${ip}:${p.port}` },
        { key: `${prefix}_PROTO`, value: pr },
        { key: `${prefix}_PORT`, value: String(p.port) },
        { key: `${prefix}_ADDR`, value: ip },
      );
    }
  }
  return out;
}

/** Reads a downward-API field of the pod (`metadata.name`, `metadata.labels['app']`, `status.podIP`, ...). */
export function podField(pod: Pod, path: string, podIP: string, hostIP: string): string {
  const mapKey = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (mapKey) return (mapKey[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[mapKey[2]] ?? '';
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec.nodeName,
    'spec.serviceAccountName': pod.spec.serviceAccountName,
    'status.podIP': podIP,
    'status.podIPs': podIP,
    'status.hostIP': hostIP,
    'status.hostIPs': hostIP,
  };
  if (!(path in fields)) {
    throw new RuntimeError(
      'InvalidArgument',
      `fieldRef "${path}" is not supported; use metadata.*, spec.nodeName or status.podIP`,
    );
  }
  return fields[path] ?? '';
}

/**
 * Builds a container's environment in the kubelet's order: service
 * variables, then `envFrom` (later sources win), then `env` (with `$(VAR)`
 * expansion, downward API, resource fields and ConfigMap/Secret keys).
 * A missing non-optional reference throws (the container then waits with
 * CreateContainerConfigError).
 */
export async function containerEnv(
  pod: Pod,
  container: Container,
  ctx: { podIP: string; hostIP: string; sources: EnvSources },
): Promise<KeyValue[]> {
  const ns = pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>();
  if (pod.spec.enableServiceLinks !== false) {
    for (const kv of serviceEnv(await ctx.sources.services(ns))) vars.set(kv.key, kv.value);
  }
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await ctx.sources.configMap(ns, from.configMapRef.name);
      if (!cm && !from.configMapRef.optional) throw missingRef('configmap', ns, from.configMapRef.name);
      for (const [k, v] of Object.entries(cm?.data ?? {})) vars.set(prefix + k, v);
    }
    if (from.secretRef) {
      const secret = await ctx.sources.secret(ns, from.secretRef.name);
      if (!secret && !from.secretRef.optional) throw missingRef('secret', ns, from.secretRef.name);
      for (const [k, v] of Object.entries(secret?.data ?? {}))
        vars.set(prefix + k, Buffer.from(v, 'base64').toString());
    }
  }
  for (const env of container.env ?? []) {
    const value = await envValue(pod, container, env, vars, ctx);
    if (value !== undefined) vars.set(env.name, value);
  }
  return [...vars].map(([key, value]) => ({ key, value }));
}

async function envValue(
  pod: Pod,
  container: Container,
  env: EnvVar,
  defined: Map<string, string>,
  ctx: { podIP: string; hostIP: string; sources: EnvSources },
): Promise<string | undefined> {
  const ns = pod.metadata.namespace ?? 'default';
  const from = env.valueFrom;
  if (!from) return expandReferences(env.value ?? '', (name) => defined.get(name));
  if (from.fieldRef) return podField(pod, from.fieldRef.fieldPath, ctx.podIP, ctx.hostIP);
  if (from.resourceFieldRef) {
    const ref = from.resourceFieldRef;
    const target = ref.containerName
      ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === ref.containerName)
      : container;
    const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
    const amount = target?.resources?.[kind]?.[resource];
    if (amount === undefined) return '0';
    if (resource === 'cpu') {
      const divisorMilli = ref.divisor === undefined ? 1000 : parseMilli(ref.divisor);
      return String(Math.ceil(parseMilli(amount) / divisorMilli));
    }
    return String(Math.ceil(parseValue(amount) / (ref.divisor === undefined ? 1 : parseValue(ref.divisor))));
  }
  if (from.configMapKeyRef) {
    const { name, key, optional } = from.configMapKeyRef;
    const value = (await ctx.sources.configMap(ns, name))?.data?.[key];
    if (value === undefined && !optional) throw missingRef('configmap key', ns, `${name}[${key}]`);
    return value;
  }
  if (from.secretKeyRef) {
    const { name, key, optional } = from.secretKeyRef;
    const value = (await ctx.sources.secret(ns, name))?.data?.[key];
    if (value === undefined && !optional) throw missingRef('secret key', ns, `${name}[${key}]`);
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString();
  }
  return undefined;
}

function missingRef(kind: string, ns: string, name: string): RuntimeError {
  return new RuntimeError(
    'InvalidArgument',
    `${kind} "${ns}/${name}" not found; create it or mark the reference optional`,
  );
}
