import type { Pod } from '@flotilla/core';
import { RuntimeError } from '../../cri/errors.js';
import { podField } from '../env/container-env.js';

/** The fields a downwardAPI volume may project, as Kubernetes validation allows them. */
const VOLUME_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.labels',
  'metadata.annotations',
];

/** `key="value"` lines sorted by key, the kubelet's format for whole label and annotation maps. */
function mapFile(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map?.[k] ?? '')}`)
    .join('\n');
}

/**
 * The content of one downwardAPI volume item: a single metadata field, one
 * label or annotation (`metadata.labels['app']`), or a whole map.
 * Status fields are refused, as Kubernetes refuses them in volumes (the pod
 * IP is not known when volumes are set up): use an env var for those.
 */
export function downwardApiFile(pod: Pod, fieldPath: string): string {
  if (fieldPath === 'metadata.labels') return mapFile(pod.metadata.labels);
  if (fieldPath === 'metadata.annotations') return mapFile(pod.metadata.annotations);
  const oneKey = /^metadata\.(labels|annotations)\['.+'\]$/.test(fieldPath);
  if (!oneKey && !VOLUME_FIELDS.includes(fieldPath)) {
    throw new RuntimeError(
      'InvalidArgument',
      `downwardAPI volume fieldRef "${fieldPath}" is not supported; use ${VOLUME_FIELDS.join(', ')} or one label/annotation, and an env var for status fields`,
    );
  }
  return podField(pod, fieldPath, '', '');
}
