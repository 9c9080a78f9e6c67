import type { PersistentVolumeClaim, Pod, StatefulSet, Volume } from '@flotilla/core';
import { controllerRevisionHashLabel } from '../daemonset/daemon-pods.js';
import { podFromTemplate } from '../pod-control/pod-from-template.js';

/** Label naming the pod of one ordinal, so a Service can select exactly that pod. */
export const statefulSetPodNameLabel = 'statefulset.kubernetes.io/pod-name';
/** Label holding a pod's ordinal (Kubernetes 1.28+). */
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** The first ordinal of the set (`spec.ordinals.start`, default 0). */
export function startOrdinal(set: Readonly<StatefulSet>): number {
  return set.spec.ordinals?.start ?? 0;
}

/** One past the last ordinal the set wants. */
export function endOrdinal(set: Readonly<StatefulSet>): number {
  return startOrdinal(set) + (set.spec.replicas ?? 1);
}

/** `<set>-<ordinal>`: the stable name (and hostname) of an ordinal's pod. */
export function podName(set: Readonly<StatefulSet>, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** The ordinal of a pod named `<set>-<n>`, or undefined for a pod not named after this set. */
export function ordinalOf(set: Readonly<StatefulSet>, pod: Readonly<Pod>): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/** `<template>-<set>-<ordinal>`: the claim an ordinal's pod mounts for a claim template. */
export function claimName(set: Readonly<StatefulSet>, templateName: string, ordinal: number): string {
  return `${templateName}-${podName(set, ordinal)}`;
}

/**
 * The claims of one ordinal, made from the set's templates (Kubernetes'
 * `getPersistentVolumeClaims`): named `<template>-<set>-<ordinal>`, in the
 * set's namespace, labelled with the template's labels and the set's
 * `matchLabels`.
 */
export function claimsFor(set: Readonly<StatefulSet>, ordinal: number): PersistentVolumeClaim[] {
  return (set.spec.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(set, t.metadata.name, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...t.metadata.labels, ...set.spec.selector.matchLabels },
      ...(t.metadata.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    },
    spec: structuredClone(t.spec),
  }));
}

/** The pod volumes for the claim templates: each replaces a template volume of the same name. */
function withClaimVolumes(set: Readonly<StatefulSet>, ordinal: number, volumes: Volume[] | undefined): Volume[] {
  const templates = set.spec.volumeClaimTemplates ?? [];
  const names = new Set(templates.map((t) => t.metadata.name));
  return [
    ...templates.map((t) => ({
      name: t.metadata.name,
      persistentVolumeClaim: { claimName: claimName(set, t.metadata.name, ordinal) },
    })),
    ...(volumes ?? []).filter((v) => !names.has(v.name)),
  ];
}

/**
 * The pod of one ordinal made from `set`'s template at `revision`
 * (Kubernetes' `newVersionedStatefulSetPod`): the stable name, hostname =
 * name and subdomain = `serviceName` (so the headless Service publishes
 * `<pod>.<service>.<ns>.svc`), the identity labels, the claim volumes, and a
 * controller reference to the set.
 */
export function statefulPod(set: Readonly<StatefulSet>, ordinal: number, revision: string): Pod {
  const name = podName(set, ordinal);
  return podFromTemplate(set.spec.template, set, {
    name,
    labels: {
      [statefulSetPodNameLabel]: name,
      [podIndexLabel]: String(ordinal),
      [controllerRevisionHashLabel]: revision,
    },
    mutateSpec: (spec) => {
      spec.hostname = name;
      if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
      if ((set.spec.volumeClaimTemplates ?? []).length > 0) spec.volumes = withClaimVolumes(set, ordinal, spec.volumes);
    },
  });
}

/** The ControllerRevision name a pod was made from. */
export function podRevision(pod: Readonly<Pod>): string | undefined {
  return pod.metadata.labels?.[controllerRevisionHashLabel];
}

/**
 * Whether a pod still carries its ordinal's identity labels (Kubernetes'
 * `identityMatches`; hostname and subdomain are immutable on a pod, so only
 * the labels can drift). A pod that lost them is repaired with `withIdentity`.
 */
export function identityMatches(set: Readonly<StatefulSet>, pod: Readonly<Pod>, ordinal: number): boolean {
  const name = podName(set, ordinal);
  return (
    pod.metadata.labels?.[statefulSetPodNameLabel] === name && pod.metadata.labels?.[podIndexLabel] === String(ordinal)
  );
}

/** A copy of `pod` with its ordinal's identity labels restored. */
export function withIdentity(set: Readonly<StatefulSet>, pod: Readonly<Pod>, ordinal: number): Pod {
  const copy = structuredClone(pod) as Pod;
  copy.metadata.labels = {
    ...copy.metadata.labels,
    [statefulSetPodNameLabel]: podName(set, ordinal),
    [podIndexLabel]: String(ordinal),
  };
  return copy;
}
