import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from '@flotilla/core';
import { builtinFieldSchema } from '../patch/builtin-field-schemas.js';
import { definitionName, sharedDefinitions } from './definitions.js';
import { type Dialect, type OpenApiSchema, ref, toOpenApiSchema } from './openapi-schema.js';
import { kindPaths, type PathItem } from './paths.js';

/** The Kubernetes version the documents describe themselves as. */
const INFO = { title: 'Kubernetes', version: 'v1.32.4' };

const V2: Dialect = { refPrefix: '#/definitions/', version: 2 };
const V3: Dialect = { refPrefix: '#/components/schemas/', version: 3 };

/**
 * A kind may carry its own OpenAPI v3 schema (a CustomResourceDefinition's
 * `openAPIV3Schema`); it is then published as is instead of one derived from
 * `ResourceType.schema`.
 */
export interface WithOpenApiSchema {
  openAPIV3Schema?: OpenApiSchema;
}

/** Kinds whose `scale` subresource is served: the workloads with replicas. */
const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);

const NON_STRATEGIC = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

/** The versions a kind is served at. */
const versionsOf = (type: ResourceType) => [...new Set([type.version, ...(type.servedVersions ?? [])])];

const apiVersion = (group: string, version: string) => (group ? `${group}/${version}` : version);

function kindSchema(type: ResourceType, version: string, dialect: Dialect): OpenApiSchema {
  const gvk = [{ group: type.group, kind: type.kind, version }];
  const own = (type as ResourceType & WithOpenApiSchema).openAPIV3Schema;
  const body: OpenApiSchema = own
    ? structuredClone(own)
    : toOpenApiSchema(
        type.schema,
        builtinFieldSchema(apiVersion(type.group, type.version), type.kind),
        dialect,
        type.kind,
      );
  const properties: Record<string, OpenApiSchema> = {
    apiVersion: toOpenApiSchema({ type: 'string' }, undefined, dialect, `${type.kind}.apiVersion`),
    kind: toOpenApiSchema({ type: 'string' }, undefined, dialect, `${type.kind}.kind`),
    metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', dialect, "Standard object's metadata."),
    ...(body.properties ?? {}),
  };
  return {
    ...body,
    type: 'object',
    description: body.description ?? `${type.kind} (${apiVersion(type.group, version)}).`,
    properties,
    'x-kubernetes-group-version-kind': gvk,
  };
}

function listSchema(type: ResourceType, version: string, definition: string, dialect: Dialect): OpenApiSchema {
  return {
    type: 'object',
    description: `${type.kind}List is a list of ${type.kind} objects.`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta', dialect),
      items: { type: 'array', items: ref(definition, dialect), description: `List of ${type.kind} objects.` },
    },
    'x-kubernetes-group-version-kind': [{ group: type.group, kind: `${type.kind}List`, version }],
  };
}

/** Paths and schemas of the kinds served at one group-version (all of them when `only` is absent). */
function describe(
  registry: ResourceRegistry,
  dialect: Dialect,
  only?: { group: string; version: string },
): { paths: Record<string, PathItem>; schemas: Record<string, OpenApiSchema> } {
  const paths: Record<string, PathItem> = {};
  const schemas = sharedDefinitions(dialect);
  const types = registry.all().sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  for (const type of types) {
    for (const version of versionsOf(type)) {
      if (only && (only.group !== type.group || only.version !== version)) continue;
      const definition = definitionName(type.group, version, type.kind);
      const strategic = builtinFieldSchema(apiVersion(type.group, version), type.kind) !== undefined;
      // kubectl computes a strategic patch from the v3 schema when a kind lists
      // that type, and warns on any field the schema lacks; unlisted, it uses its
      // compiled-in Go types, which know every merge key. The server applies it
      // all the same.
      const patchTypes =
        strategic && dialect.version === 2
          ? ['application/strategic-merge-patch+json', ...NON_STRATEGIC]
          : NON_STRATEGIC;
      Object.assign(paths, kindPaths({ type, version, definition, patchTypes }, dialect, SCALABLE.has(type.kind)));
      schemas[definition] = kindSchema(type, version, dialect);
      schemas[`${definition}List`] = listSchema(type, version, definition, dialect);
    }
  }
  return { paths, schemas };
}

/** A signature of what the documents depend on: kinds, versions, scopes, schema identities. */
const schemaIds = new WeakMap<object, number>();
let nextSchemaId = 1;
function signature(registry: ResourceRegistry): string {
  const id = (schema: object | undefined) => {
    if (!schema) return 0;
    if (!schemaIds.has(schema)) schemaIds.set(schema, nextSchemaId++);
    return schemaIds.get(schema);
  };
  return registry
    .all()
    .map((t) => {
      const own = (t as ResourceType & WithOpenApiSchema).openAPIV3Schema;
      return [
        t.group,
        t.version,
        t.kind,
        t.plural,
        t.namespaced,
        t.statusSubresource,
        versionsOf(t),
        id(t.schema),
        id(own),
      ].join('|');
    })
    .join('\n');
}

interface Cached {
  signature: string;
  documents: Map<string, unknown>;
}
const caches = new WeakMap<ResourceRegistry, Cached>();

/** Builds a document once per registry content; kinds registered (or their schemas changed) later build it again. */
function cached<T>(registry: ResourceRegistry, key: string, build: () => T): T {
  const current = signature(registry);
  let cache = caches.get(registry);
  if (!cache || cache.signature !== current) {
    cache = { signature: current, documents: new Map() };
    caches.set(registry, cache);
  }
  if (!cache.documents.has(key)) cache.documents.set(key, build());
  return cache.documents.get(key) as T;
}

/** The `/openapi/v2` document (Swagger 2.0) of every kind the registry serves. */
export function openApiV2(registry: ResourceRegistry): Record<string, unknown> {
  return cached(registry, 'v2', () => {
    const { paths, schemas } = describe(registry, V2);
    return { swagger: '2.0', info: INFO, paths, definitions: schemas };
  });
}

/**
 * The OpenAPI v3 document of one group-version (`/openapi/v3/apis/apps/v1`,
 * `/openapi/v3/api/v1` for the core group), or `undefined` when nothing is
 * served there.
 *
 * What kubectl reads from it: `kubectl explain` finds a kind by the
 * `x-kubernetes-group-version-kind` of its path operations and walks its
 * schema; `kubectl apply`/`create` see `fieldValidation` on the PATCH
 * operation and leave validation to the server. Schemas describe the fields
 * core's structural schema lists, other members preserved as unknown.
 * Deliberately, PATCH bodies do not list `application/strategic-merge-patch+json`
 * (the server applies it all the same): listed, kubectl would compute its
 * three-way patch from these partial schemas and warn on every field they
 * lack; unlisted, it asks `/openapi/v2` in protobuf (answer JSON or 406) and
 * then uses its compiled-in Go types, which know every merge key.
 */
export function openApiV3GroupVersion(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  return cached(registry, `v3 ${group}/${version}`, () => {
    const { paths, schemas } = describe(registry, V3, { group, version });
    if (Object.keys(paths).length === 0) return undefined;
    return { openapi: '3.0.0', info: INFO, paths, components: { schemas } };
  });
}

/** The `/openapi/v3` index: one entry per group-version, `{ "paths": { "apis/apps/v1": { "serverRelativeURL": ... } } }`. */
export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

/**
 * The `/openapi/v3` index kubectl reads first. Each entry's
 * `serverRelativeURL` carries a `hash` of its document (SHA-512, as
 * kube-apiserver), so a client may cache it for as long as the hash holds.
 */
export function openApiV3Index(registry: ResourceRegistry): OpenApiV3Index {
  return cached(registry, 'v3 index', () => {
    const groupVersions = new Set<string>();
    for (const type of registry.all())
      for (const version of versionsOf(type)) groupVersions.add(`${type.group}/${version}`);
    const paths: OpenApiV3Index['paths'] = {};
    for (const gv of [...groupVersions].sort()) {
      const [group, version] = gv.split('/');
      const key = group ? `apis/${group}/${version}` : `api/${version}`;
      const document = openApiV3GroupVersion(registry, group, version);
      const hash = createHash('sha512').update(JSON.stringify(document)).digest('hex').toUpperCase();
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
    }
    return { paths };
  });
}
