import type { ResourceType } from '@flotilla/core';
import type { ServedVersion } from './served-version.js';

/**
 * Another served version of a kind whose objects differ only in
 * `apiVersion` (a CustomResourceDefinition's `conversion.strategy: None`).
 */
export function apiVersionOnly(stored: ResourceType, version: string): ServedVersion {
  const storedVersion = stored.group ? `${stored.group}/${stored.version}` : stored.version;
  const servedVersion = stored.group ? `${stored.group}/${version}` : version;
  return {
    group: stored.group,
    version,
    kind: stored.kind,
    toStored: (obj) => ({ ...obj, apiVersion: storedVersion }),
    fromStored: (obj) => ({ ...obj, apiVersion: servedVersion }),
  };
}
