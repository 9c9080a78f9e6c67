import type { Condition, FieldError, KubeObject, ResourceType } from '@flotilla/core';
import { invalid, required } from '@flotilla/core';

/** The API group of the example's custom kind. */
export const WEBSITE_GROUP = 'example.flotilla.dev';

/** `apiVersion` of a Website. */
export const WEBSITE_API_VERSION = `${WEBSITE_GROUP}/v1`;

/** What a Website is asked to be: which image serves it and how many copies run. */
export interface WebsiteSpec {
  image: string;
  /** Default 1. */
  replicas?: number;
}

/** What the Website controller observed, written through the status subresource. */
export interface WebsiteStatus {
  /** The `metadata.generation` this status describes, so readers can tell a stale status. */
  observedGeneration?: number;
  readyReplicas?: number;
  /** Where the site answers inside the cluster (its Service's DNS name). */
  url?: string;
  /** `Ready` is True once every replica is ready. */
  conditions?: Condition[];
}

// #region website-type
/** A custom kind: a website served by a Deployment and reached through a Service. */
export interface Website extends KubeObject {
  apiVersion: typeof WEBSITE_API_VERSION;
  kind: 'Website';
  spec: WebsiteSpec;
  status?: WebsiteStatus;
}
// #endregion website-type

/** The most copies the example accepts, so a typo cannot flood the simulated node. */
const MAX_REPLICAS = 50;

/** The spec rules the Api enforces on every write, named by field path as Kubernetes does. */
function validateWebsite(site: Website): FieldError[] {
  const errors: FieldError[] = [];
  const spec = site.spec as Partial<WebsiteSpec> | undefined;
  if (typeof spec?.image !== 'string' || spec.image === '') errors.push(required('spec.image'));
  const replicas = spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS)) {
    errors.push(invalid('spec.replicas', replicas, `must be an integer between 0 and ${MAX_REPLICAS}`));
  }
  return errors;
}

// #region resource-type
/**
 * How the Api stores, defaults and validates Websites. Registering it
 * (`api.registerResource(websiteType)`) gives the kind the same client,
 * watch, informer and controller support as a built-in kind.
 */
export const websiteType: ResourceType<Website> = {
  group: WEBSITE_GROUP,
  version: 'v1',
  kind: 'Website',
  plural: 'websites',
  namespaced: true,
  statusSubresource: true,
  shortNames: ['site'],
  default(site) {
    site.spec ??= { image: '' };
    site.spec.replicas ??= 1;
  },
  validate: validateWebsite,
};
// #endregion resource-type

/** A Website manifest, as a user would write it. */
export function website(namespace: string, name: string, spec: WebsiteSpec): Website {
  return { apiVersion: WEBSITE_API_VERSION, kind: 'Website', metadata: { namespace, name }, spec };
}
