import { cloneJson, type KubeObject, type Pod, type PodTemplateSpec, setControllerReference } from '@flotilla/core';

/** Name and extra metadata of a pod made from a template. */
export interface PodFromTemplateOptions {
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
 * workload through a controller reference (in the owner's namespace).
 *
 * Guarantees: the template is not modified; the pod shares no object with it
 * (its strings are the template's: a copy by structured clone would give each
 * pod its own copy of every image name, path and default, which the store
 * and the history then keep per pod).
 */
export function podFromTemplate(
  template: Readonly<PodTemplateSpec>,
  owner: Readonly<KubeObject>,
  opts: PodFromTemplateOptions = {},
): Pod {
  const spec = cloneJson(template.spec);
  opts.mutateSpec?.(spec);
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: opts.name ?? '',
      ...(opts.name ? {} : { generateName: opts.generateName }),
      namespace: owner.metadata.namespace,
      labels: { ...meta.labels, ...opts.labels },
      annotations: { ...meta.annotations, ...opts.annotations },
      ...(meta.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
    },
    spec,
  };
  return setControllerReference(owner, pod);
}
