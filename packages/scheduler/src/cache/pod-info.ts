import type { Pod } from '@flotilla/core';
import { AffinityTerm, type WeightedAffinityTerm } from './affinity-term.js';
import type { NamespaceLabels } from './namespace-labels.js';
import { type PodRequests, podRequests } from './resource.js';

/** A host port a pod takes on its node. `0.0.0.0` conflicts with every IP. */
export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** What a PodInfo parses from its pod's spec, reusable by another PodInfo of the same spec. */
export type ParsedPod = Omit<PodInfo, 'pod' | 'key' | 'withNode' | 'resolveNamespaces'>;

/**
 * A pod with everything the plugins need parsed once: requests, host ports,
 * affinity terms. Built when a pod enters the cache or the queue, never per
 * node, so Filter and Score stay cheap.
 */
export class PodInfo {
  /** `namespace/name`. */
  readonly key: string;
  readonly priority: number;
  readonly resources: PodRequests;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** True when the pod carries at least one inter-pod affinity or anti-affinity term. */
  readonly hasAffinity: boolean;
  /** True when one of its affinity terms selects namespaces by label (see `resolveNamespaces`). */
  readonly selectsNamespacesByLabel: boolean;

  constructor(
    readonly pod: Pod,
    /** The parsed fields of the same pod spec (see `withNode`, `resolveNamespaces`). */
    parsed?: ParsedPod,
  ) {
    this.key = podKey(pod);
    if (parsed) {
      this.priority = parsed.priority;
      this.resources = parsed.resources;
      this.hostPorts = parsed.hostPorts;
      this.requiredAffinityTerms = parsed.requiredAffinityTerms;
      this.requiredAntiAffinityTerms = parsed.requiredAntiAffinityTerms;
      this.preferredAffinityTerms = parsed.preferredAffinityTerms;
      this.preferredAntiAffinityTerms = parsed.preferredAntiAffinityTerms;
      this.hasAffinity = parsed.hasAffinity;
      this.selectsNamespacesByLabel = parsed.selectsNamespacesByLabel;
      return;
    }
    this.priority = pod.spec.priority ?? 0;
    this.resources = podRequests(pod);
    this.hostPorts = collectHostPorts(pod);
    const aff = pod.spec.affinity;
    this.requiredAffinityTerms = (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      AffinityTerm.of(pod, t),
    );
    this.requiredAntiAffinityTerms = (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (t) => AffinityTerm.of(pod, t),
    );
    this.preferredAffinityTerms = (aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (w) => ({ term: AffinityTerm.of(pod, w.podAffinityTerm), weight: w.weight }),
    );
    this.preferredAntiAffinityTerms = (aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (w) => ({ term: AffinityTerm.of(pod, w.podAffinityTerm), weight: w.weight }),
    );
    this.hasAffinity =
      this.requiredAffinityTerms.length +
        this.requiredAntiAffinityTerms.length +
        this.preferredAffinityTerms.length +
        this.preferredAntiAffinityTerms.length >
      0;
    const byLabel = (t: AffinityTerm) => t.selectsNamespacesByLabel;
    this.selectsNamespacesByLabel =
      this.requiredAffinityTerms.some(byLabel) ||
      this.requiredAntiAffinityTerms.some(byLabel) ||
      this.preferredAffinityTerms.some((w) => byLabel(w.term)) ||
      this.preferredAntiAffinityTerms.some((w) => byLabel(w.term));
  }

  /** The same pod bound to `nodeName`, sharing everything parsed (the spec is otherwise unchanged). */
  withNode(nodeName: string): PodInfo {
    return new PodInfo({ ...this.pod, spec: { ...this.pod.spec, nodeName } }, this);
  }

  /**
   * The same pod with its terms' `namespaceSelector`s resolved against
   * `namespaces` (see `AffinityTerm.resolve`): what a scheduling cycle
   * matches the incoming pod's terms with. Itself when no term selects
   * namespaces by label, so such pods pay nothing.
   */
  resolveNamespaces(namespaces: NamespaceLabels): PodInfo {
    if (!this.selectsNamespacesByLabel) return this;
    const weighted = (w: WeightedAffinityTerm) => ({ term: w.term.resolve(namespaces), weight: w.weight });
    return new PodInfo(this.pod, {
      ...this,
      requiredAffinityTerms: this.requiredAffinityTerms.map((t) => t.resolve(namespaces)),
      requiredAntiAffinityTerms: this.requiredAntiAffinityTerms.map((t) => t.resolve(namespaces)),
      preferredAffinityTerms: this.preferredAffinityTerms.map(weighted),
      preferredAntiAffinityTerms: this.preferredAntiAffinityTerms.map(weighted),
      selectsNamespacesByLabel: false,
    });
  }
}

/** `namespace/name` of a pod. */
export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

function collectHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port: p.hostPort });
    }
  }
  return out;
}
