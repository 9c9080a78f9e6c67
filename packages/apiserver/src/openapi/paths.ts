import type { ResourceType } from '@flotilla/core';
import { type Dialect, type OpenApiSchema, ref } from './openapi-schema.js';

/** One operation, as plain JSON. */
export type Operation = Record<string, unknown>;

/** The operations of one path, and its shared parameters. */
export type PathItem = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  type: 'string' | 'boolean' | 'integer';
  required?: boolean;
}

const q = (name: string, description: string, type: Parameter['type'] = 'string'): Parameter => ({
  name,
  in: 'query',
  description,
  type,
});

// The query parameters kube-apiserver documents, with its wording shortened.
const pretty = q('pretty', "If 'true', then the output is pretty printed.");
const dryRun = q('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All.');
const fieldManager = q('fieldManager', 'A name associated with the actor or entity that is making these changes.');
const fieldValidation = q(
  'fieldValidation',
  'How the server handles unknown or duplicate fields in the request body: Ignore, Warn or Strict (the default).',
);
const force = q('force', 'Force is going to "force" Apply requests: conflicting fields are re-acquired.', 'boolean');
const listParameters = [
  q('allowWatchBookmarks', 'Requests watch events with type "BOOKMARK".', 'boolean'),
  q('continue', 'The continue option, set when retrieving more results from the server.'),
  q('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  q('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  q('limit', 'The maximum number of responses to return for a list call.', 'integer'),
  q('resourceVersion', 'Sets a constraint on what resource versions a request may be served from.'),
  q('resourceVersionMatch', 'Determines how resourceVersion is applied to list calls.'),
  q(
    'sendInitialEvents',
    'With watch=true, begin the watch stream with synthetic events for the current state.',
    'boolean',
  ),
  q('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  q('watch', 'Watch for changes to the described resources and return them as a stream of events.', 'boolean'),
];
const deleteParameters = [
  dryRun,
  q('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  q('propagationPolicy', 'Whether and how garbage collection will be performed: Orphan, Background or Foreground.'),
];

function parameter(p: Parameter, dialect: Dialect): Record<string, unknown> {
  const { type, ...rest } = p;
  const unique = p.in === 'query' && type === 'string' ? { uniqueItems: true } : {};
  return dialect.version === 3 ? { ...rest, schema: { type, ...unique } } : { ...rest, type, ...unique };
}

/** Everything an operation builder needs about one kind at one version. */
export interface KindAtVersion {
  type: ResourceType;
  version: string;
  /** The kind's schema name in the document. */
  definition: string;
  /** The PATCH content types served for the kind. */
  patchTypes: readonly string[];
}

interface OperationSpec {
  action: 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  verb: string;
  parameters: Parameter[];
  body?: { schema: OpenApiSchema; contentTypes: readonly string[] };
  response: OpenApiSchema;
  created?: boolean;
  gvk: Gvk;
  subresource?: string;
  /** The list across every namespace of a namespaced kind. */
  allNamespaces?: boolean;
}

/** A group-version-kind, as the `x-kubernetes-group-version-kind` of an operation. */
interface Gvk {
  group: string;
  version: string;
  kind: string;
}

const JSON_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

const operationVerbs: Record<OperationSpec['action'], string> = {
  get: 'read',
  list: 'list',
  post: 'create',
  put: 'replace',
  patch: 'patch',
  delete: 'delete',
  deletecollection: 'deleteCollection',
};

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function operation(spec: OperationSpec, k: KindAtVersion, dialect: Dialect): Operation {
  const { type } = k;
  const group = type.group ? type.group.split('.')[0] : 'core';
  const collectionWide = spec.action === 'list' || spec.action === 'deletecollection';
  // kube-apiserver's operation ids: listAppsV1NamespacedDeployment, readAppsV1NamespacedDeploymentScale,
  // listAppsV1DeploymentForAllNamespaces.
  const scope = type.namespaced && !spec.allNamespaces ? 'Namespaced' : '';
  const suffix = spec.allNamespaces ? 'ForAllNamespaces' : collectionWide ? '' : capitalize(spec.subresource ?? '');
  const op: Operation = {
    description: `${spec.verb} ${collectionWide ? `objects of kind ${type.kind}` : `the specified ${type.kind}`}`,
    operationId: `${operationVerbs[spec.action]}${capitalize(group)}${capitalize(k.version)}${scope}${type.kind}${suffix}`,
    tags: [`${group}_${k.version}`],
    parameters: spec.parameters.map((p) => parameter(p, dialect)),
    'x-kubernetes-action': spec.action,
    'x-kubernetes-group-version-kind': spec.gvk,
  };
  const ok = { description: 'OK', schema: spec.response };
  const responses: Record<string, { description: string; schema: OpenApiSchema }> = { '200': ok };
  if (spec.created) {
    responses['201'] = { description: 'Created', schema: spec.response };
    responses['202'] = { description: 'Accepted', schema: spec.response };
  }
  if (dialect.version === 3) {
    op.responses = Object.fromEntries(
      Object.entries(responses).map(([code, r]) => [
        code,
        { description: r.description, content: Object.fromEntries(JSON_TYPES.map((t) => [t, { schema: r.schema }])) },
      ]),
    );
    if (spec.body)
      op.requestBody = {
        content: Object.fromEntries(spec.body.contentTypes.map((t) => [t, { schema: spec.body?.schema }])),
        required: true,
      };
  } else {
    op.responses = responses;
    op.produces = JSON_TYPES;
    op.consumes = spec.body ? [...spec.body.contentTypes] : ['*/*'];
    if (spec.body)
      (op.parameters as unknown[]).unshift({ name: 'body', in: 'body', required: true, schema: spec.body.schema });
  }
  return op;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/**
 * The REST paths of one kind at one version, as kube-apiserver documents
 * them: the collection (list, create, deletecollection), the object (get,
 * replace, patch, delete), the all-namespaces list for a namespaced kind,
 * and the `status` and `scale` subresources. Every operation carries
 * `x-kubernetes-action` and `x-kubernetes-group-version-kind`; writes carry
 * `dryRun`, `fieldManager` and `fieldValidation`, which is how kubectl
 * learns to leave validation to the server.
 */
export function kindPaths(k: KindAtVersion, dialect: Dialect, scalable: boolean): Record<string, PathItem> {
  const { type, version } = k;
  const gvk = { group: type.group, version, kind: type.kind };
  const root = type.group ? `/apis/${type.group}/${version}` : `/api/${version}`;
  const collection = `${root}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`;
  const object = ref(k.definition, dialect);
  const list = ref(`${k.definition}List`, dialect);
  const status = ref(`${META}.Status`, dialect);
  const writeParameters = [dryRun, fieldManager, fieldValidation];
  const namespace: Parameter = {
    name: 'namespace',
    in: 'path',
    description: 'object name and auth scope, such as for teams and projects',
    type: 'string',
    required: true,
  };
  const name: Parameter = {
    name: 'name',
    in: 'path',
    description: `name of the ${type.kind}`,
    type: 'string',
    required: true,
  };
  const shared = (withName: boolean) =>
    [...(withName ? [name] : []), ...(type.namespaced ? [namespace] : []), pretty].map((p) => parameter(p, dialect));
  const listOperation = (allNamespaces: boolean) =>
    operation(
      { action: 'list', verb: 'list or watch', parameters: listParameters, response: list, gvk, allNamespaces },
      k,
      dialect,
    );
  /** get, put and patch of the object or of one of its subresources. */
  const objectOperations = (subresource: string | undefined, schema: OpenApiSchema, opGvk: Gvk): PathItem => {
    const of = subresource ? ` ${subresource} of` : '';
    const common = { gvk: opGvk, subresource, response: schema };
    const body = { schema, contentTypes: ['*/*'] };
    const patchBody = { schema: ref(`${META}.Patch`, dialect), contentTypes: k.patchTypes };
    return {
      get: operation({ action: 'get', verb: `read${of}`, parameters: [], ...common }, k, dialect),
      put: operation(
        { action: 'put', verb: `replace${of}`, parameters: writeParameters, body, created: true, ...common },
        k,
        dialect,
      ),
      patch: operation(
        {
          action: 'patch',
          verb: `partially update${of}`,
          parameters: [...writeParameters, force],
          body: patchBody,
          ...common,
        },
        k,
        dialect,
      ),
      parameters: shared(true),
    };
  };
  const paths: Record<string, PathItem> = {
    [collection]: {
      get: listOperation(false),
      post: operation(
        {
          action: 'post',
          verb: 'create',
          parameters: writeParameters,
          body: { schema: object, contentTypes: ['*/*'] },
          response: object,
          created: true,
          gvk,
        },
        k,
        dialect,
      ),
      delete: operation(
        {
          action: 'deletecollection',
          verb: 'delete collection of',
          parameters: [...deleteParameters, ...listParameters],
          response: status,
          gvk,
        },
        k,
        dialect,
      ),
      parameters: shared(false),
    },
    [`${collection}/{name}`]: {
      ...objectOperations(undefined, object, gvk),
      delete: operation(
        { action: 'delete', verb: 'delete', parameters: deleteParameters, response: status, gvk },
        k,
        dialect,
      ),
    },
  };
  if (type.namespaced)
    paths[`${root}/${type.plural}`] = { get: listOperation(true), parameters: [parameter(pretty, dialect)] };
  if (type.statusSubresource) paths[`${collection}/{name}/status`] = objectOperations('status', object, gvk);
  if (scalable)
    paths[`${collection}/{name}/scale`] = objectOperations('scale', ref('io.k8s.api.autoscaling.v1.Scale', dialect), {
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
  return paths;
}
