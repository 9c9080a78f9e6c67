import type { FieldError } from '../errors/api-errors.js';
import { jsonEqual } from '../json/json-equal.js';
import type {
  Affinity,
  Container,
  EnvVar,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PodAffinityTerm,
  PodSpec,
  PodTemplateSpec,
  Probe,
  Toleration,
  TopologySpreadConstraint,
  Volume,
} from '../model/core-v1.js';
import { validateLabelSelector, validateLabels } from '../model/labels.js';
import type { ValidationContext } from '../registry/resource-type.js';
import { PROTOCOLS, TAINT_EFFECTS } from './core-values.js';
import {
  appendErrors,
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  notFound,
  notSupported,
  oneOf,
  required,
} from './field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names.js';
import { intInRange, isValidPortName, nonNegativeInt, portNumber, portNumberOrName, positiveInt } from './numbers.js';
import { validateAnnotations } from './object-meta.js';
import { validateResourceRequirements } from './resources.js';

const restartPolicies = ['Always', 'OnFailure', 'Never'] as const;
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
const pullPolicies = ['Always', 'IfNotPresent', 'Never'] as const;
const nodeSelectorOperators = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;
const whenUnsatisfiable = ['DoNotSchedule', 'ScheduleAnyway'] as const;

const envVarNameRe = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const envVarNameMsg =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

/** Counts which of `keys` are set on `obj`: probe handlers, env sources. */
const countSet = (obj: object, keys: readonly string[]) =>
  keys.filter((k) => (obj as Record<string, unknown>)[k] !== undefined).length;

function validateEnv(env: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!e.name) errs.push(required(`${p}.name`));
    else if (!envVarNameRe.test(e.name)) errs.push(invalid(`${p}.name`, e.name, envVarNameMsg));
    if (e.valueFrom) {
      if (e.value) errs.push(invalid(`${p}.valueFrom`, '', 'may not be specified when `value` is not empty'));
      const n = countSet(e.valueFrom, ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef']);
      if (n === 0)
        errs.push(
          invalid(
            `${p}.valueFrom`,
            '',
            'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
          ),
        );
      if (n > 1) errs.push(invalid(`${p}.valueFrom`, '', 'may not have more than one field specified at a time'));
    }
  });
  return errs;
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

function validateProbe(probe: Probe | undefined, path: string, mustSucceedOnce: boolean): FieldError[] {
  if (!probe) return [];
  const errs: FieldError[] = [];
  const handlers = countSet(probe, probeHandlers);
  if (handlers === 0) errs.push(required(path, 'must specify a handler type'));
  if (handlers > 1) errs.push(forbidden(path, 'may not specify more than 1 handler type'));
  if (probe.exec && !(probe.exec.command?.length > 0)) errs.push(required(`${path}.exec.command`));
  if (probe.httpGet) errs.push(...portRequired(`${path}.httpGet.port`, probe.httpGet.port));
  if (probe.tcpSocket) errs.push(...portRequired(`${path}.tcpSocket.port`, probe.tcpSocket.port));
  errs.push(...nonNegativeInt(`${path}.initialDelaySeconds`, probe.initialDelaySeconds));
  for (const f of ['timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...positiveInt(`${path}.${f}`, probe[f]));
  }
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  return errs;
}

function portRequired(field: string, port: number | string | undefined): FieldError[] {
  return port === undefined || port === '' ? [required(field)] : portNumberOrName(field, port);
}

/** Checks one container; `names` collects container names across the pod for the uniqueness check. */
function validateContainer(c: Container, path: string, names: Set<string>, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`));
  else {
    errs.push(...invalidEach(`${path}.name`, c.name, isDNS1123Label(c.name)));
    if (names.has(c.name)) errs.push(duplicate(`${path}.name`, c.name));
    names.add(c.name);
  }
  if (typeof c.image !== 'string' || c.image.trim() === '') errs.push(required(`${path}.image`));
  else if (c.image !== c.image.trim()) {
    errs.push(invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  }
  errs.push(...oneOf(`${path}.imagePullPolicy`, c.imagePullPolicy, pullPolicies));
  const portNames = new Set<string>();
  (c.ports ?? []).forEach((port, i) => {
    const p = `${path}.ports[${i}]`;
    if (port.name !== undefined) {
      errs.push(...invalidEach(`${p}.name`, port.name, isValidPortName(port.name)));
      if (portNames.has(port.name)) errs.push(duplicate(`${p}.name`, port.name));
      portNames.add(port.name);
    }
    if (port.containerPort === undefined) errs.push(required(`${p}.containerPort`));
    else errs.push(...portNumber(`${p}.containerPort`, port.containerPort));
    if (port.hostPort) errs.push(...portNumber(`${p}.hostPort`, port.hostPort));
    errs.push(...oneOf(`${p}.protocol`, port.protocol, PROTOCOLS));
  });
  appendErrors(errs, validateEnv(c.env, `${path}.env`));
  appendErrors(errs, validateResourceRequirements(c.resources, `${path}.resources`));
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.push(required(`${p}.name`));
    else if (!volumes.has(m.name)) errs.push(notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(required(`${p}.mountPath`));
    else {
      if (mountPaths.has(m.mountPath)) errs.push(invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
      mountPaths.add(m.mountPath);
    }
    if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      errs.push(invalid(`${p}.subPath`, m.subPath, "must be a relative path without '..'"));
    }
  });
  appendErrors(errs, validateProbe(c.livenessProbe, `${path}.livenessProbe`, true));
  appendErrors(errs, validateProbe(c.readinessProbe, `${path}.readinessProbe`, false));
  appendErrors(errs, validateProbe(c.startupProbe, `${path}.startupProbe`, true));
  return errs;
}

function validateVolumes(volumes: Volume[] | undefined, path: string): { errors: FieldError[]; names: Set<string> } {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!v.name) errors.push(required(`${p}.name`));
    else {
      errors.push(...invalidEach(`${p}.name`, v.name, isDNS1123Label(v.name)));
      if (names.has(v.name)) errors.push(duplicate(`${p}.name`, v.name));
      names.add(v.name);
    }
    // Any field besides the name is a volume source, including kinds Flotilla does not model (nfs, csi, ...).
    const sources = Object.entries(v).filter(([k, val]) => k !== 'name' && val !== undefined).length;
    if (sources === 0) errors.push(required(p, 'must specify a volume type'));
    if (sources > 1) errors.push(forbidden(p, 'may not specify more than 1 volume type'));
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) {
      errors.push(required(`${p}.persistentVolumeClaim.claimName`));
    }
    if (v.hostPath && !v.hostPath.path) errors.push(required(`${p}.hostPath.path`));
  });
  return { errors, names };
}

function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (t.key) errs.push(...invalidEach(`${p}.key`, t.key, isQualifiedName(t.key)));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(
        invalid(
          `${p}.operator`,
          t.operator ?? '',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.operator === 'Exists' && t.value) {
      errs.push(invalid(`${p}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    }
    errs.push(...oneOf(`${p}.operator`, t.operator, ['Equal', 'Exists']));
    errs.push(...oneOf(`${p}.effect`, t.effect || undefined, TAINT_EFFECTS));
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  });
  return errs;
}

function validateNodeSelectorRequirement(r: NodeSelectorRequirement, path: string, field: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const n = r.values?.length ?? 0;
  if (field) {
    if (r.key !== 'metadata.name') errs.push(notSupported(`${path}.key`, r.key, ['metadata.name']));
    if (r.operator !== 'In' && r.operator !== 'NotIn')
      errs.push(notSupported(`${path}.operator`, r.operator, ['In', 'NotIn']));
    else if (n !== 1)
      errs.push(
        required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"),
      );
    return errs;
  }
  errs.push(...invalidEach(`${path}.key`, r.key ?? '', isQualifiedName(r.key ?? '')));
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (n === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (n > 0)
        errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (n !== 1)
        errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      else if (!/^-?\d+$/.test(r.values![0]!))
        errs.push(invalid(`${path}.values[0]`, r.values![0], 'must be an integer'));
      break;
    default:
      errs.push(notSupported(`${path}.operator`, r.operator, nodeSelectorOperators));
  }
  return errs;
}

/** A node selector term: its expressions over labels and its fields (only `metadata.name`). */
export function validateNodeSelectorTerm(term: NodeSelectorTerm, path: string): FieldError[] {
  return [
    ...(term.matchExpressions ?? []).flatMap((r, i) =>
      validateNodeSelectorRequirement(r, `${path}.matchExpressions[${i}]`, false),
    ),
    ...(term.matchFields ?? []).flatMap((r, i) =>
      validateNodeSelectorRequirement(r, `${path}.matchFields[${i}]`, true),
    ),
  ];
}

function validatePodAffinityTerm(t: PodAffinityTerm, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!t.topologyKey) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  else errs.push(...invalidEach(`${path}.topologyKey`, t.topologyKey, isQualifiedName(t.topologyKey)));
  appendErrors(errs, validateLabelSelector(t.labelSelector, `${path}.labelSelector`));
  appendErrors(errs, validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`));
  for (const [i, ns] of (t.namespaces ?? []).entries()) {
    errs.push(...invalidEach(`${path}.namespaces[${i}]`, ns, isDNS1123Label(ns)));
  }
  return errs;
}

function validateAffinity(a: Affinity | undefined, path: string): FieldError[] {
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = a.nodeAffinity;
  const req = na?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const p = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
    if (!req.nodeSelectorTerms?.length) errs.push(required(p, 'must have at least one node selector term'));
    for (const [i, term] of (req.nodeSelectorTerms ?? []).entries())
      appendErrors(errs, validateNodeSelectorTerm(term, `${p}[${i}]`));
  }
  for (const [i, pref] of (na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).entries()) {
    const p = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    errs.push(...intInRange(`${p}.weight`, pref.weight, 1, 100));
    appendErrors(errs, validateNodeSelectorTerm(pref.preference ?? {}, `${p}.preference`));
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind];
    for (const [i, t] of (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).entries()) {
      appendErrors(
        errs,
        validatePodAffinityTerm(t, `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`),
      );
    }
    for (const [i, w] of (pa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).entries()) {
      const p = `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...intInRange(`${p}.weight`, w.weight, 1, 100));
      appendErrors(errs, validatePodAffinityTerm(w.podAffinityTerm ?? { topologyKey: '' }, `${p}.podAffinityTerm`));
    }
  }
  return errs;
}

function validateTopologySpread(constraints: TopologySpreadConstraint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (constraints ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (c.maxSkew === undefined) errs.push(required(`${p}.maxSkew`));
    else errs.push(...positiveInt(`${p}.maxSkew`, c.maxSkew));
    if (!c.topologyKey) errs.push(required(`${p}.topologyKey`, 'can not be empty'));
    else errs.push(...invalidEach(`${p}.topologyKey`, c.topologyKey, isQualifiedName(c.topologyKey)));
    if (c.whenUnsatisfiable === undefined) errs.push(required(`${p}.whenUnsatisfiable`));
    else errs.push(...oneOf(`${p}.whenUnsatisfiable`, c.whenUnsatisfiable, whenUnsatisfiable));
    if (c.minDomains !== undefined) {
      errs.push(...positiveInt(`${p}.minDomains`, c.minDomains));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(
          invalid(`${p}.minDomains`, c.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule'),
        );
      }
    }
    appendErrors(errs, validateLabelSelector(c.labelSelector, `${p}.labelSelector`));
    const pair = `{${c.topologyKey}, ${c.whenUnsatisfiable}}`;
    if (seen.has(pair)) errs.push(duplicate(p, pair));
    seen.add(pair);
  });
  return errs;
}

/** Options for pod specs inside workloads whose pods must stop on their own. */
export interface PodSpecRules {
  /** Restart policies this context allows (Jobs: OnFailure and Never). Default: all three. */
  restartPolicies?: readonly ('Always' | 'OnFailure' | 'Never')[];
}

/**
 * Validates a pod spec with Kubernetes' paths under `path` (`spec` for a Pod,
 * `spec.template.spec` for a workload template): containers and init
 * containers (unique DNS-1123 names, image, ports, env, resources with
 * requests <= limits, volume mounts naming existing volumes, probes with
 * exactly one handler), volumes, restart and DNS policies, tolerations,
 * node selector, affinity, topology spread, priority and grace periods.
 */
export function validatePodSpec(spec: PodSpec | undefined, path: string, rules: PodSpecRules = {}): FieldError[] {
  if (!spec || typeof spec !== 'object') return [required(path)];
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...volumes.errors);
  const names = new Set<string>();
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errs.push(required(`${path}.containers`));
  for (const [i, c] of (spec.initContainers ?? []).entries()) {
    appendErrors(errs, validateContainer(c, `${path}.initContainers[${i}]`, names, volumes.names));
  }
  for (const [i, c] of (Array.isArray(spec.containers) ? spec.containers : []).entries()) {
    appendErrors(errs, validateContainer(c, `${path}.containers[${i}]`, names, volumes.names));
  }
  errs.push(...oneOf(`${path}.restartPolicy`, spec.restartPolicy, rules.restartPolicies ?? restartPolicies));
  errs.push(...oneOf(`${path}.dnsPolicy`, spec.dnsPolicy, dnsPolicies));
  errs.push(...nonNegativeInt(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  errs.push(...positiveInt(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds));
  if (spec.priority !== undefined && !Number.isInteger(spec.priority)) {
    errs.push(invalid(`${path}.priority`, spec.priority, 'must be an integer'));
  }
  if (spec.nodeName) errs.push(...invalidEach(`${path}.nodeName`, spec.nodeName, isDNS1123Subdomain(spec.nodeName)));
  if (spec.serviceAccountName) {
    errs.push(
      ...invalidEach(
        `${path}.serviceAccountName`,
        spec.serviceAccountName,
        isDNS1123Subdomain(spec.serviceAccountName),
      ),
    );
  }
  if (spec.hostname) errs.push(...invalidEach(`${path}.hostname`, spec.hostname, isDNS1123Label(spec.hostname)));
  if (spec.subdomain) errs.push(...invalidEach(`${path}.subdomain`, spec.subdomain, isDNS1123Label(spec.subdomain)));
  appendErrors(errs, validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  appendErrors(errs, validateTolerations(spec.tolerations, `${path}.tolerations`));
  appendErrors(errs, validateAffinity(spec.affinity, `${path}.affinity`));
  appendErrors(errs, validateTopologySpread(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  return errs;
}

/** A pod template: its labels and annotations, and its spec under `path.spec`. */
export function validatePodTemplate(
  template: PodTemplateSpec | undefined,
  path: string,
  rules: PodSpecRules = {},
): FieldError[] {
  if (!template) return [required(path)];
  return [
    ...validateLabels(template.metadata?.labels, `${path}.metadata.labels`),
    ...validateAnnotations(template.metadata?.annotations, `${path}.metadata.annotations`),
    ...validatePodSpec(template.spec, `${path}.spec`, rules),
  ];
}

/**
 * What may change in a pod's spec after creation, as in Kubernetes: container
 * and init-container images, `activeDeadlineSeconds` (set, or lowered),
 * tolerations (only added), and `nodeName` from empty to set (binding).
 * Everything else is compared with those fields masked out.
 *
 * Caveats: setting an empty `nodeName` is refused only when `context` says
 * the write is not a binding; a caller that passes no context (it cannot
 * tell) gets the permissive rule. Changing a set `nodeName` is always refused.
 */
export function validatePodSpecUpdate(
  spec: PodSpec,
  old: PodSpec,
  path: string,
  context?: ValidationContext,
): FieldError[] {
  const errs: FieldError[] = [];
  if (old.nodeName && spec.nodeName !== old.nodeName) {
    errs.push(forbidden(`${path}.nodeName`, `may not be changed once set (bound to "${old.nodeName}")`));
  } else if (!old.nodeName && spec.nodeName && context && context.subresource !== 'binding') {
    errs.push(forbidden(`${path}.nodeName`, 'may only be set by binding the pod (api.bindPod), not by an update'));
  }
  const oldDeadline = old.activeDeadlineSeconds;
  if (
    oldDeadline !== undefined &&
    (spec.activeDeadlineSeconds === undefined || spec.activeDeadlineSeconds > oldDeadline)
  ) {
    errs.push(
      invalid(
        `${path}.activeDeadlineSeconds`,
        spec.activeDeadlineSeconds ?? null,
        'must be less than or equal to previous value',
      ),
    );
  }
  // Compared by value, not by text: a client may send the same object with its keys in another order.
  const kept = spec.tolerations ?? [];
  if ((old.tolerations ?? []).some((t) => !kept.some((k) => jsonEqual(k, t)))) {
    errs.push(forbidden(`${path}.tolerations`, 'existing toleration can not be modified except its tolerationSeconds'));
  }
  if (!jsonEqual(maskMutable(spec, old), maskMutable(old, old))) {
    errs.push(
      forbidden(
        path,
        'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations)',
      ),
    );
  }
  return errs;
}

/** A copy of `spec` with the updatable fields replaced by `old`'s, so any remaining difference is forbidden. */
function maskMutable(spec: PodSpec, old: PodSpec): PodSpec {
  const withOldImages = (cs: Container[] | undefined, olds: Container[] | undefined) =>
    cs?.map((c, i) => ({ ...c, image: olds?.[i]?.image ?? c.image }));
  return canonical({
    ...spec,
    containers: withOldImages(spec.containers, old.containers) ?? spec.containers,
    initContainers: withOldImages(spec.initContainers, old.initContainers),
    activeDeadlineSeconds: old.activeDeadlineSeconds,
    tolerations: old.tolerations,
    nodeName: old.nodeName,
  }) as PodSpec;
}

/** JSON with sorted keys and `undefined` dropped, so key order cannot fake a difference. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = canonical(v);
  }
  return out;
}

/** Validates a Pod; with `old`, also the update rules of `validatePodSpecUpdate`. */
export function validatePod(pod: Pod, old?: Pod, context?: ValidationContext): FieldError[] {
  const errs = validatePodSpec(pod.spec, 'spec');
  if (old?.spec && pod.spec) errs.push(...validatePodSpecUpdate(pod.spec, old.spec, 'spec', context));
  return errs;
}
