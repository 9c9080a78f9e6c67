import { createBuiltinRegistry, customResourceType, type ResourceType } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { openApiV2, openApiV3GroupVersion, openApiV3Index } from '../../src/openapi/index.js';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed OpenAPI documents
type Json = Record<string, any>;

const widget: ResourceType = {
  group: 'example.com',
  version: 'v1',
  servedVersions: ['v1', 'v1beta1'],
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
  schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } },
};

describe('openApiV3Index', () => {
  it('lists every served group-version with a serverRelativeURL carrying a SHA-512 hash', () => {
    const index = openApiV3Index(createBuiltinRegistry());
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1']));
    expect(index.paths['apis/apps/v1'].serverRelativeURL).toMatch(
      /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/,
    );
  });

  it('is built once per registry content and again after a kind is registered', () => {
    const registry = createBuiltinRegistry();
    const before = openApiV3Index(registry);
    expect(openApiV3Index(registry)).toBe(before);
    registry.register(widget);
    const after = openApiV3Index(registry);
    expect(after).not.toBe(before);
    expect(Object.keys(after.paths)).toEqual(
      expect.arrayContaining(['apis/example.com/v1', 'apis/example.com/v1beta1']),
    );
  });
});

describe('openApiV3GroupVersion', () => {
  const apps = openApiV3GroupVersion(createBuiltinRegistry(), 'apps', 'v1') as Json;

  it('documents each operation with x-kubernetes-action and the group-version-kind', () => {
    const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(Object.keys(item)).toEqual(expect.arrayContaining(['get', 'put', 'patch', 'delete', 'parameters']));
    expect(item.patch['x-kubernetes-action']).toBe('patch');
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].get['x-kubernetes-action']).toBe('list');
    expect(apps.paths['/apis/apps/v1/deployments'].get['x-kubernetes-action']).toBe('list');
  });

  it('gives writes the fieldValidation, dryRun and fieldManager query parameters (kubectl then validates on the server)', () => {
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    const names = patch.parameters.filter((p: Json) => p.in === 'query').map((p: Json) => p.name);
    expect(names).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'force']));
    expect(Object.keys(patch.requestBody.content)).toContain('application/apply-patch+yaml');
  });

  it('serves the scale and status subresources with their kinds', () => {
    const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    expect(scale.patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status'].put).toBeDefined();
  });

  it('describes the kind with its fields, descriptions and merge extensions', () => {
    const deployment = apps.components.schemas['io.k8s.api.apps.v1.Deployment'];
    expect(deployment['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    const replicas = deployment.properties.spec.properties.replicas;
    expect(replicas).toMatchObject({ type: 'integer', format: 'int32' });
    expect(replicas.description).toMatch(/Number of desired pods/);
    const containers = deployment.properties.spec.properties.template.properties.spec.properties.containers;
    expect(containers).toMatchObject({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(deployment.properties.metadata.allOf[0].$ref).toBe(
      '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    );
    expect(apps.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.labels).toBeDefined();
  });

  it('names every operation uniquely, as kube-apiserver does', () => {
    const ids = Object.values(apps.paths).flatMap((item) =>
      Object.values(item as Json)
        .filter((op: Json) => op?.operationId)
        .map((op: Json) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'listAppsV1NamespacedDeployment',
        'listAppsV1DeploymentForAllNamespaces',
        'patchAppsV1NamespacedDeploymentScale',
      ]),
    );
  });

  it('resolves every $ref it uses', () => {
    const refs = JSON.stringify(apps).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const r of new Set(refs))
      expect(apps.components.schemas[r.slice('#/components/schemas/'.length)]).toBeDefined();
  });

  it('documents a custom kind at each served version, named by its reversed group', () => {
    const registry = createBuiltinRegistry();
    registry.register(widget);
    const doc = openApiV3GroupVersion(registry, 'example.com', 'v1beta1') as Json;
    expect(doc.components.schemas['com.example.v1beta1.Widget'].properties.spec.properties.size.type).toBe('integer');
    const patch = doc.paths['/apis/example.com/v1beta1/namespaces/{namespace}/widgets/{name}'].patch;
    expect(Object.keys(patch.requestBody.content)).not.toContain('application/strategic-merge-patch+json');
  });

  it('publishes a CustomResourceDefinition’s own openAPIV3Schema for its kind', () => {
    const registry = createBuiltinRegistry();
    registry.register(
      customResourceType({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gadgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { kind: 'Gadget', plural: 'gadgets' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { color: { type: 'string', description: 'What the gadget looks like.' } },
                    },
                  },
                },
              },
            },
          ],
        },
      }),
    );
    const doc = openApiV3GroupVersion(registry, 'example.com', 'v1') as Json;
    expect(doc.components.schemas['com.example.v1.Gadget'].properties.spec.properties.color).toMatchObject({
      type: 'string',
      description: 'What the gadget looks like.',
    });
  });

  it('leaves strategic merge patch out of v3 PATCH bodies, so kubectl computes it from its own Go types', () => {
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(Object.keys(patch.requestBody.content)).not.toContain('application/strategic-merge-patch+json');
  });

  it('cuts a recursive schema (JSONSchemaProps in a CRD) where it repeats', () => {
    const doc = openApiV3GroupVersion(createBuiltinRegistry(), 'apiextensions.k8s.io', 'v1') as Json;
    const crd =
      doc.components.schemas['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'];
    const props = crd.properties.spec.properties.versions.items.properties.schema.properties.openAPIV3Schema;
    expect(props.properties.type.type).toBe('string');
    expect(props.properties.properties.additionalProperties).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('is undefined for a group-version nothing is served at', () => {
    expect(openApiV3GroupVersion(createBuiltinRegistry(), 'nope.example', 'v9')).toBeUndefined();
  });
});

describe('openApiV2', () => {
  it('is a Swagger 2.0 document of every kind, with the strategic merge patch type for built-in kinds', () => {
    const doc = openApiV2(createBuiltinRegistry()) as Json;
    expect(doc.swagger).toBe('2.0');
    expect(doc.definitions['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind']).toEqual([
      { group: '', kind: 'Pod', version: 'v1' },
    ]);
    const patch = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    expect(patch.consumes).toContain('application/strategic-merge-patch+json');
    expect(patch.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['body', 'fieldValidation']));
    const refs = JSON.stringify(doc).match(/#\/definitions\/[^"]+/g) ?? [];
    for (const r of new Set(refs)) expect(doc.definitions[r.slice('#/definitions/'.length)]).toBeDefined();
  });
});
