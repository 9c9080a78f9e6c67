import { describe, expect, it } from 'vitest';
import type { KubeObject, ObjectMeta } from '../../src/model/meta.js';
import type { ResourceType } from '../../src/registry/resource-type.js';
import { validateObjectMeta } from '../../src/validation/object-meta.js';
import { expectFieldErrors } from './expect-field-errors.js';

type Scope = Pick<ResourceType, 'namespaced' | 'nameFormat'>;
const namespaced: Scope = { namespaced: true };
const clusterScoped: Scope = { namespaced: false };
const service: Scope = { namespaced: true, nameFormat: 'dns1035Label' };
const namespace: Scope = { namespaced: false, nameFormat: 'dns1123Label' };
const clusterRole: Scope = { namespaced: false, nameFormat: 'pathSegment' };

const obj = (metadata: Partial<ObjectMeta>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: metadata as ObjectMeta,
});
const summary = (o: KubeObject, type: Scope, old?: KubeObject) =>
  validateObjectMeta(o, type, old).map((e) => `${e.field}: ${e.message}`);

describe('validateObjectMeta', () => {
  it.each<[string, Partial<ObjectMeta>, Scope]>([
    ['a namespaced object', { name: 'web-1', namespace: 'default' }, namespaced],
    ['a dotted subdomain name', { name: 'web.example.com', namespace: 'default' }, namespaced],
    ['a cluster-scoped object', { name: 'node-1' }, clusterScoped],
    ['generateName instead of name', { generateName: 'web-', namespace: 'default' }, namespaced],
    [
      'labels, annotations, finalizers, owners',
      {
        name: 'a',
        namespace: 'default',
        labels: { app: 'web', 'example.com/tier': '' },
        annotations: { 'Example.com/Note': 'any text at all; $(even) this' },
        finalizers: ['kubernetes', 'example.com/cleanup'],
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
      },
      namespaced,
    ],
    ['a Kubernetes system role name (path segment)', { name: 'system:controller:deployment-controller' }, clusterRole],
    ['uppercase, spaces and shell metacharacters in a path segment', { name: 'Admins of $(team); ok?' }, clusterRole],
    ['a dot-started path segment', { name: '.hidden..not-parent' }, clusterRole],
    ['a path-segment generateName that is only a dot', { generateName: '.' }, clusterRole],
  ])('accepts %s', (_, meta, type) => {
    expect(validateObjectMeta(obj(meta), type)).toEqual([]);
  });

  it('uses Kubernetes wording for a bad subdomain name', () => {
    expect(validateObjectMeta(obj({ name: 'Web_1', namespace: 'default' }), namespaced)).toEqual([
      {
        field: 'metadata.name',
        message:
          "Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      },
    ]);
  });

  it.each<[string, Partial<ObjectMeta>, Scope, string[]]>([
    [
      'no name',
      { namespace: 'default' },
      namespaced,
      ['metadata.name: Required value: name or generateName is required'],
    ],
    [
      'a slash',
      { name: 'a/b', namespace: 'default' },
      namespaced,
      ['metadata.name: Invalid value: "a/b": a lowercase RFC 1123 subdomain must c'],
    ],
    [
      'dot-dot',
      { name: '..', namespace: 'default' },
      namespaced,
      ['metadata.name: Invalid value: "..": a lowercase RFC 1123 subdomain must co'],
    ],
    [
      'a shell metacharacter',
      { name: 'a;rm', namespace: 'default' },
      namespaced,
      ['metadata.name: Invalid value: "a;rm": a lowercase RFC 1123 subdomain must '],
    ],
    [
      'command substitution',
      { name: '$(id)', namespace: 'default' },
      namespaced,
      ['metadata.name: Invalid value: "$(id)": a lowercase RFC 1123 subdomain must'],
    ],
    [
      'uppercase',
      { name: 'Web', namespace: 'default' },
      namespaced,
      ['metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must co'],
    ],
    [
      'too long',
      { name: 'a'.repeat(254), namespace: 'default' },
      namespaced,
      [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`],
    ],
    [
      'a dot in a service name',
      { name: 'a.b', namespace: 'default' },
      service,
      ['metadata.name: Invalid value: "a.b": a DNS-1035 label must consist of lower c'],
    ],
    [
      'a leading digit in a service name',
      { name: '1web', namespace: 'default' },
      service,
      ['metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower '],
    ],
    [
      'a dot in a namespace name',
      { name: 'a.b' },
      namespace,
      ['metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist o'],
    ],
    [
      'a bad generateName',
      { generateName: 'Web-', namespace: 'default' },
      namespaced,
      ['metadata.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain mu'],
    ],
    ['a path segment that is .', { name: '.' }, clusterRole, ['metadata.name: Invalid value: ".": may not be \'.\'']],
    [
      'a path segment that is ..',
      { name: '..' },
      clusterRole,
      ['metadata.name: Invalid value: "..": may not be \'..\''],
    ],
    [
      'a slash and a percent in a path segment',
      { name: 'a/b%2F' },
      clusterRole,
      [
        'metadata.name: Invalid value: "a/b%2F": may not contain \'/\'',
        'metadata.name: Invalid value: "a/b%2F": may not contain \'%\'',
      ],
    ],
    [
      'a slash in a path-segment generateName',
      { generateName: 'x/' },
      clusterRole,
      ['metadata.generateName: Invalid value: "x/": may not contain \'/\''],
    ],
    ['no namespace', { name: 'a' }, namespaced, ['metadata.namespace: Required value']],
    [
      'a bad namespace',
      { name: 'a', namespace: 'Bad' },
      namespaced,
      ['metadata.namespace: Invalid value: "Bad": a lowercase RFC 1123 label must consist o'],
    ],
    [
      'a namespace on a cluster-scoped kind',
      { name: 'a', namespace: 'default' },
      clusterScoped,
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
    [
      'a bad label key',
      { name: 'a', labels: { 'a b': 'c' } },
      clusterScoped,
      ['metadata.labels: Invalid value: "a b": name part must consist of alphanumeric char'],
    ],
    [
      'a bad label value',
      { name: 'a', labels: { a: '-x' } },
      clusterScoped,
      ['metadata.labels: Invalid value: "-x": a valid label must be an empty string or c'],
    ],
    [
      'a bad annotation key',
      { name: 'a', annotations: { 'a/b/c': 'x' } },
      clusterScoped,
      ['metadata.annotations: Invalid value: "a/b/c": a qualified name must consist of al'],
    ],
    [
      'oversized annotations',
      { name: 'a', annotations: { big: 'x'.repeat(256 * 1024) } },
      clusterScoped,
      ['metadata.annotations: Too long: must have at most 262144 bytes'],
    ],
    [
      'a bad finalizer',
      { name: 'a', finalizers: ['ok', 'no spaces'] },
      clusterScoped,
      ['metadata.finalizers[1]: Invalid value: "no spaces": name part must consist of alphanumer'],
    ],
    [
      'orphan with foreground',
      { name: 'a', finalizers: ['orphan', 'foregroundDeletion'] },
      clusterScoped,
      ['metadata.finalizers: Invalid value: "orphan": finalizers orphan and foregroundDeletion can'],
    ],
    [
      'incomplete owner references and two controllers',
      {
        name: 'a',
        ownerReferences: [
          { apiVersion: '', kind: 'A', name: 'x', uid: '1', controller: true },
          { apiVersion: 'v1', kind: 'B', name: '', uid: '', controller: true },
        ],
      },
      clusterScoped,
      [
        'metadata.ownerReferences[0].apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences[1].name: Invalid value: "": name must not be empty',
        'metadata.ownerReferences[1].uid: Invalid value: "": uid must not be empty',
        'metadata.ownerReferences: Invalid value: "A/x, B/": Only one reference can have Control',
      ],
    ],
  ])('rejects %s', (_, meta, type, expected) => {
    expectFieldErrors(summary(obj(meta), type), expected);
  });

  it('keeps creationTimestamp immutable on update', () => {
    const old = obj({ name: 'a', creationTimestamp: '2024-01-01T00:00:00Z' });
    const next = obj({ name: 'a', creationTimestamp: '2025-01-01T00:00:00Z' });
    expect(summary(next, clusterScoped, old)).toEqual([
      'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
    ]);
    expect(validateObjectMeta(old, clusterScoped, old)).toEqual([]);
  });
});
