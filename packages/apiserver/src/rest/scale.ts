import {
  formatLabelSelector,
  InvalidError,
  type KubeObject,
  type LabelSelector,
  type ResourceType,
} from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import { writeJson } from '../server/respond.js';
import { readBody } from './body.js';
import { assertBodyShape } from './body-entries.js';
import { fieldManagerOf } from './field-manager.js';
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

/** Where a custom kind keeps its replicas and selector (a CRD's `subresources.scale`). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** The scale paths of `type` when a CustomResourceDefinition gives it a scale subresource. */
export function customScalePaths(type: ResourceType): ScalePaths | undefined {
  return (type as ResourceType & { scale?: ScalePaths }).scale;
}

/** `.spec.replicas` -> `['spec', 'replicas']`. */
const pathOf = (path: string) => path.split('.').filter((p) => p !== '');

function valueAt(obj: unknown, path: string): unknown {
  let at = obj;
  for (const key of pathOf(path))
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** A copy of `obj` with `value` at `path`, copying each object on the way so the input stays untouched. */
function withValueAt(obj: KubeObject, path: string, value: unknown): KubeObject {
  const keys = pathOf(path);
  const set = (at: unknown, i: number): unknown => {
    const copy = at !== null && typeof at === 'object' && !Array.isArray(at) ? { ...(at as object) } : {};
    const key = keys[i]!;
    (copy as Record<string, unknown>)[key] =
      i === keys.length - 1 ? value : set((copy as Record<string, unknown>)[key], i + 1);
    return copy;
  };
  return set(obj, 0) as KubeObject;
}

/**
 * The Scale of a workload: desired replicas from spec, observed from status,
 * the selector as a string; for a custom kind, read at its CRD's scale paths.
 */
export function scaleOf(obj: KubeObject, paths?: ScalePaths): Scale {
  const w = obj as unknown as ScalableShape;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const metadata = { name, namespace, uid, resourceVersion, creationTimestamp };
  const scale = (spec: number, status: number, selector: string | undefined): Scale => ({
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata,
    spec: { replicas: spec },
    status: selector === undefined ? { replicas: status } : { replicas: status, selector },
  });
  if (paths) {
    const number = (path: string, fallback: number) => {
      const v = valueAt(obj, path);
      return typeof v === 'number' ? v : fallback;
    };
    const selector = paths.labelSelectorPath ? valueAt(obj, paths.labelSelectorPath) : undefined;
    return scale(
      number(paths.specReplicasPath, 0),
      number(paths.statusReplicasPath, 0),
      typeof selector === 'string' ? selector : undefined,
    );
  }
  return scale(w.spec?.replicas ?? 1, w.status?.replicas ?? 0, selectorString(w.spec?.selector));
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
  const paths = customScalePaths(r.type);
  if (r.info.verb === 'get') {
    writeJson(r.res, 200, scaleOf(await getStored(r), paths));
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
    assertBodyShape(patch.toString('utf8'), s.bodyEntries, 'Scale', r.info.name);
    change = (current) =>
      replicasOf(applier(current as unknown as KubeObject, patch, { type: r.type, subresource: 'scale' }), r.info.name);
  } else {
    throw new HttpStatusError(405, 'MethodNotAllowed', `the scale subresource does not serve ${r.req.method}`);
  }
  const options = {
    precondition,
    dryRun: write.dryRun,
    requester: r.user,
    fieldManager: fieldManagerOf(r),
    managedSubresource: 'scale',
  };
  const updated = await r.client.rewrite(objectRef(r), options, (stored) =>
    withValueAt(stored, paths?.specReplicasPath ?? '.spec.replicas', change(scaleOf(stored, paths))),
  );
  writeJson(r.res, 200, scaleOf(updated, paths));
}
