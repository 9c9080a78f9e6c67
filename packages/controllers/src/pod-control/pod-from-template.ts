import type { OwnerReference, Pod, PodTemplateSpec } from '@flotilla/core';

/** Where and under which owner a pod made from a template goes. */
export interface PodFromTemplateOptions {
  namespace: string;
  /** The controller owning the pod (a controller reference with blockOwnerDeletion). */
  owner: OwnerReference;
  /** A fixed name; otherwise the Api picks one from `generateName`. */
  name?: string;
  /** Prefix for a generated name, e.g. `web-7d4b9c-` (Kubernetes: `<controller name>-`). */
  generateName?: string;
  /** Labels and annotations added on top of the template's (an index, a pod-template-hash). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Changes to the pod spec (DaemonSet node affinity, Job index env). Receives a private copy. */
  mutateSpec?: (spec: Pod['spec']) => void;
}

/**
 * A new pod from a workload's template, as Kubernetes' `GetPodFromTemplate`:
 * the template's labels, annotations, finalizers and spec, owned by the
 * workload through a controller reference.
 *
 * Guarantees: the template is not modified; the pod shares no object with it.
 */
export function podFromTemplate(template: Readonly<PodTemplateSpec>, opts: PodFromTemplateOptions): Pod {
  const spec = structuredClone(template.spec);
  opts.mutateSpec?.(spec);
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: opts.name ?? '',
      ...(opts.name ? {} : { generateName: opts.generateName }),
      namespace: opts.namespace,
      labels: { ...meta.labels, ...opts.labels },
      annotations: { ...meta.annotations, ...opts.annotations },
      ...(meta.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [{ ...opts.owner }],
    },
    spec,
  };
}
