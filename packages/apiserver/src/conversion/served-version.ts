import type { KubeObject } from '@flotilla/core';

/**
 * A kind served at a version other than the one it is stored in, through a
 * pair of conversions (Kubernetes serves `autoscaling/v1` HPAs from
 * `autoscaling/v2` storage this way). Requests in the served version are
 * converted before the Api sees them; every answer is converted back.
 */
export interface ServedVersion {
  group: string;
  /** The version served (`v1`). */
  version: string;
  /** The stored kind, as registered (`HorizontalPodAutoscaler`); it keeps its plural and scope. */
  kind: string;
  /** An object in the served version -> the stored version. */
  toStored(obj: KubeObject): KubeObject;
  /** A stored object -> the served version. */
  fromStored(obj: KubeObject): KubeObject;
}
