import type { Container, Pod, PodSpec, Probe, Toleration } from '../model/core-v1.js';

/**
 * Kubernetes' default grace period between SIGTERM and SIGKILL: what
 * defaulting writes into `spec.terminationGracePeriodSeconds`, and what
 * graceful deletion waits when neither the request nor the pod names one.
 */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
/** How long pods stay bound to a not-ready or unreachable node before eviction (DefaultTolerationSeconds). */
export const DEFAULT_NOT_READY_TOLERATION_SECONDS = 300;
/** Taint the node lifecycle controller puts on nodes whose Ready condition is False. */
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
/** Taint the node lifecycle controller puts on nodes whose Ready condition is Unknown. */
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

/**
 * `Always` when the image names no tag or the `latest` tag (it may change
 * under the same name), `IfNotPresent` for a fixed tag or a digest.
 */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: Probe | undefined): void {
  if (!probe) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet) {
    probe.httpGet.path ??= '/';
    probe.httpGet.scheme ??= 'HTTP';
  }
}

function defaultContainer(c: Container): void {
  if (typeof c.image === 'string') c.imagePullPolicy ??= defaultImagePullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

/**
 * The defaults Kubernetes applies to every pod spec, pod templates included
 * (`SetDefaults_PodSpec` and friends): restart policy, grace period, DNS
 * policy, scheduler, service links, and per-container pull policy,
 * termination message path, port protocol and probe timings.
 */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

/** True if some toleration already covers `key` with effect NoExecute (an empty key or effect is a wildcard). */
function toleratesNoExecute(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
}

/**
 * Defaults a Pod as Kubernetes' defaulting does (`SetDefaults_Pod`): the
 * pod-spec defaults; new pods start in phase `Pending`. What admission adds
 * to real pods comes after, in `admitPodDefaults`; `spec.priority` is the
 * Priority admission's (from `spec.priorityClassName`, the global default
 * class, or 0).
 *
 * Guarantees: idempotent; explicit values are never overwritten.
 */
export function defaultPod(pod: Pod): void {
  if (!pod.spec) return;
  defaultPodSpec(pod.spec);
  pod.status ??= {};
  pod.status.phase ??= 'Pending';
}

/**
 * What Kubernetes' ServiceAccount and DefaultTolerationSeconds admission
 * plugins add to real pods (not templates): `serviceAccountName: default`,
 * and tolerations of not-ready and unreachable nodes for 300 s unless the
 * pod already tolerates those taints. They run after defaulting and after a
 * write's managedFields are recorded, so no manager owns what they add.
 *
 * Guarantees: idempotent; explicit values are never overwritten.
 */
export function admitPodDefaults(pod: Pod): void {
  if (!pod.spec) return;
  const spec = pod.spec;
  spec.serviceAccountName ??= 'default';
  const tolerations = spec.tolerations ?? [];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!toleratesNoExecute(tolerations, key)) {
      tolerations.push({
        key,
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: DEFAULT_NOT_READY_TOLERATION_SECONDS,
      });
    }
  }
  spec.tolerations = tolerations;
}
