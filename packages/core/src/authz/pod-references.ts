import type { Container, Pod } from '../model/core-v1.js';

/** The objects of a pod's namespace a node agent must read to run it. */
export interface PodReferences {
  secrets: Set<string>;
  configmaps: Set<string>;
  persistentvolumeclaims: Set<string>;
}

interface ProjectedSource {
  secret?: { name?: string };
  configMap?: { name?: string };
}

function addContainerRefs(refs: PodReferences, containers: readonly Container[] | undefined): void {
  for (const c of containers ?? []) {
    for (const env of c.env ?? []) {
      if (env.valueFrom?.secretKeyRef) refs.secrets.add(env.valueFrom.secretKeyRef.name);
      if (env.valueFrom?.configMapKeyRef) refs.configmaps.add(env.valueFrom.configMapKeyRef.name);
    }
    for (const from of c.envFrom ?? []) {
      if (from.secretRef) refs.secrets.add(from.secretRef.name);
      if (from.configMapRef) refs.configmaps.add(from.configMapRef.name);
    }
  }
}

/**
 * The Secrets, ConfigMaps and PersistentVolumeClaims a pod uses: volumes
 * (projected sources included), environment variables of every container,
 * and image pull secrets: the edges of Kubernetes' node authorizer graph.
 */
export function podReferences(pod: Pod): PodReferences {
  const refs: PodReferences = { secrets: new Set(), configmaps: new Set(), persistentvolumeclaims: new Set() };
  const spec = pod.spec;
  for (const secret of spec.imagePullSecrets ?? []) if (secret.name) refs.secrets.add(secret.name);
  for (const volume of spec.volumes ?? []) {
    if (volume.secret) refs.secrets.add(volume.secret.secretName);
    if (volume.configMap) refs.configmaps.add(volume.configMap.name);
    if (volume.persistentVolumeClaim) refs.persistentvolumeclaims.add(volume.persistentVolumeClaim.claimName);
    const sources = (volume.projected?.sources ?? []) as ProjectedSource[];
    for (const source of sources) {
      if (source.secret?.name) refs.secrets.add(source.secret.name);
      if (source.configMap?.name) refs.configmaps.add(source.configMap.name);
    }
  }
  addContainerRefs(refs, spec.containers);
  addContainerRefs(refs, spec.initContainers);
  return refs;
}
