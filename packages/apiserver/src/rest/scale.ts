import { formatLabelSelector, InvalidError, type KubeObject, type LabelSelector } from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import { writeJson } from '../server/respond.js';
import { readBody } from './body.js';
import { recordWrite } from './field-manager.js';
import { contentTypeOf } from './patch.js';
import { writeQueryOf } from './query.js';
import { getStored, objectRef, type RestRequest, type RestServices } from './rest-request.js';
import { readObjectBody } from './write.js';

/** `autoscaling/v1` Scale: the scale subresource's view of a workload. */
export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: KubeObject['metadata'];
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

interface ScalableShape {
  spec?: { replicas?: number; selector?: LabelSelector | Record<string, string> };
  status?: { replicas?: number };
}

function selectorString(selector: LabelSelector | Record<string, string> | undefined): string | undefined {
  if (!selector) return undefined;
  const structured = 'matchLabels' in selector || 'matchExpressions' in selector;
  // ReplicationControllers select with a plain map.
  const asSelector: LabelSelector = structured
    ? (selector as LabelSelector)
    : { matchLabels: selector as Record<string, string> };
  return formatLabelSelector(asSelector);
}

/** The Scale of a workload: desired replicas from spec, observed from status, the selector as a string. */
export function scaleOf(obj: KubeObject): Scale {
  const w = obj as unknown as ScalableShape;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const status: Scale['status'] = { replicas: w.status?.replicas ?? 0 };
  const selector = selectorString(w.spec?.selector);
  if (selector !== undefined) status.selector = selector;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: w.spec?.replicas ?? 1 },
    status,
  };
}

function replicasOf(scale: unknown, name: string): number {
  const replicas = (scale as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    const message = `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`;
    throw new InvalidError('Scale', name, [{ field: 'spec.replicas', message }]);
  }
  return replicas;
}

/**
 * The `scale` subresource: `GET` answers the Scale; `PUT` (a Scale, its
 * resourceVersion a precondition) and `PATCH` (any accepted patch format,
 * applied to the Scale) set `spec.replicas` of the workload through the
 * Api's update pipeline.
 */
export async function serveScale(r: RestRequest, s: RestServices): Promise<void> {
  if (r.info.verb === 'get') {
    writeJson(r.res, 200, scaleOf(await getStored(r)));
    return;
  }
  const write = writeQueryOf(r.query);
  let change: (current: Scale) => number;
  let precondition: string | undefined;
  if (r.info.verb === 'update') {
    const body = await readObjectBody(r, s);
    const replicas = replicasOf(body, r.info.name);
    const rv = (body.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    precondition = typeof rv === 'string' && rv !== '' ? rv : undefined;
    change = () => replicas;
  } else if (r.info.verb === 'patch') {
    const applier = s.patchers.get(contentTypeOf(r));
    const patch = await readBody(r.req, s.bodyLimit);
    change = (current) =>
      replicasOf(applier(current as unknown as KubeObject, patch, { type: r.type, subresource: 'scale' }), r.info.name);
  } else {
    throw new HttpStatusError(405, 'MethodNotAllowed', `the scale subresource does not serve ${r.req.method}`);
  }
  const updated = await r.client.rewrite(objectRef(r), { precondition, dryRun: write.dryRun }, (stored) => {
    const replicas = change(scaleOf(stored));
    return recordWrite(r, s, stored, { ...stored, spec: { ...(stored.spec as object), replicas } }, 'scale');
  });
  writeJson(r.res, 200, scaleOf(updated));
}
