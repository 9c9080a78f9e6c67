import type { Api } from '../../src/api/index.js';
import { bigMap, containersWithEnv } from './big-inputs.js';

/** What a hostile write must be refused with: the error's class name and every field path it names. */
export interface HostileWrite {
  what: string;
  write: (api: Api) => Promise<unknown>;
  error: 'InvalidError' | 'BadRequestError' | 'RequestEntityTooLargeError';
  /** Field paths an InvalidError lists, in order. */
  fields?: string[];
  /** A piece of the message. */
  message: string;
}

const pod = (meta: Record<string, unknown> = {}, body: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    ...body,
  }) as never;

const service = (spec: Record<string, unknown>) =>
  ({
    metadata: { name: 'web', namespace: 'default' },
    spec: { ports: [{ port: 80 }], ...spec },
  }) as never;

function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

function cyclic(): unknown {
  const node: Record<string, unknown> = {};
  node.self = node;
  return node;
}

const TWO_MIB = 'x'.repeat(2 * 1024 * 1024);

/**
 * The hostile writes of issue 18 (wrong types the Api used to store or crash
 * on, and values that are not JSON), each with how it must be refused.
 * `web` exists in `default` before each runs (as a Pod), so updates and
 * patches reach the type check.
 */
export const hostileWrites: HostileWrite[] = [
  {
    what: 'metadata.finalizers as a string',
    write: (api) => api.resource('Pod').create(pod({ name: 'a', finalizers: 'x' })),
    error: 'InvalidError',
    fields: ['metadata.finalizers'],
    message: 'metadata.finalizers: Invalid value: "string": must be a list',
  },
  {
    what: 'metadata.ownerReferences as a string',
    write: (api) => api.resource('Pod').create(pod({ name: 'a', ownerReferences: 'x' })),
    error: 'InvalidError',
    fields: ['metadata.ownerReferences'],
    message: 'must be a list',
  },
  {
    what: "a Pod with spec: 'hello'",
    write: (api) => api.resource('Pod').create(pod({ name: 'a' }, { spec: 'hello' })),
    error: 'InvalidError',
    fields: ['spec'],
    message: 'spec: Invalid value: "string": must be an object',
  },
  {
    what: 'create(null)',
    write: (api) => api.resource('Pod').create(null as never),
    error: 'BadRequestError',
    message: 'create needs an object, not null',
  },
  {
    what: 'a Service port with name: 5',
    write: (api) => api.resource('Service').create(service({ ports: [{ name: 5, port: 80 }] })),
    error: 'InvalidError',
    fields: ['spec.ports[0].name'],
    message: 'spec.ports[0].name: Invalid value: 5: must be a string',
  },
  {
    what: "metadata.labels: 'abc'",
    write: (api) => api.resource('Pod').create(pod({ name: 'a', labels: 'abc' })),
    error: 'InvalidError',
    fields: ['metadata.labels'],
    message: 'metadata.labels: Invalid value: "string": must be a map',
  },
  {
    what: 'ConfigMap data: 42',
    write: (api) =>
      api.resource('ConfigMap').create({ metadata: { name: 'c', namespace: 'default' }, data: 42 } as never),
    error: 'InvalidError',
    fields: ['data'],
    message: 'data: Invalid value: 42: must be a map',
  },
  {
    what: 'Service selector: false',
    write: (api) => api.resource('Service').create(service({ selector: false })),
    error: 'InvalidError',
    fields: ['spec.selector'],
    message: 'spec.selector: Invalid value: "boolean": must be a map',
  },
  {
    what: 'an unknown field nested 8,000 levels deep',
    write: (api) => api.resource('Pod').create(pod({ name: 'a' }, { extra: nested(8000) })),
    error: 'InvalidError',
    message: 'must not nest deeper than 1000 levels',
  },
  {
    what: 'a 2 MiB string as metadata.annotations',
    write: (api) => api.resource('Pod').create(pod({ name: 'a', annotations: TWO_MIB })),
    error: 'InvalidError',
    fields: ['metadata.annotations'],
    message: 'must be a map',
  },
  {
    what: 'a 2 MiB string as a ConfigMap binaryData',
    write: (api) =>
      api.resource('ConfigMap').create({ metadata: { name: 'c', namespace: 'default' }, binaryData: TWO_MIB } as never),
    error: 'InvalidError',
    fields: ['binaryData'],
    message: 'must be a map',
  },
  {
    what: 'a BigInt',
    write: (api) => api.resource('Pod').create(pod({ name: 'a' }, { extra: { n: 10n } })),
    error: 'InvalidError',
    fields: ['extra.n'],
    message: 'extra.n: Invalid value: "bigint": must be a JSON number, not a BigInt',
  },
  {
    what: 'NaN',
    write: (api) => api.resource('Pod').create(pod({ name: 'a', generation: Number.NaN })),
    error: 'InvalidError',
    fields: ['metadata.generation'],
    message: 'must be a finite number',
  },
  {
    what: 'Infinity in a list',
    write: (api) => api.resource('Pod').create(pod({ name: 'a' }, { extra: [1, Number.POSITIVE_INFINITY] })),
    error: 'InvalidError',
    fields: ['extra[1]'],
    message: 'Invalid value: "Infinity"',
  },
  {
    what: 'a cyclic object',
    write: (api) => api.resource('Pod').create(pod({ name: 'a' }, { extra: cyclic() })),
    error: 'InvalidError',
    fields: ['extra.self'],
    message: 'must not refer back to extra (a cyclic reference)',
  },
  {
    what: 'a function',
    write: (api) => api.resource('Pod').create(pod({ name: 'a' }, { extra: () => 1 })),
    error: 'InvalidError',
    fields: ['extra'],
    message: 'not a function',
  },
  {
    what: 'a symbol',
    write: (api) => api.resource('Pod').create(pod({ name: 'a' }, { extra: Symbol('s') })),
    error: 'InvalidError',
    fields: ['extra'],
    message: 'not a symbol',
  },
  {
    what: 'a Date',
    write: (api) => api.resource('Pod').create(pod({ name: 'a', creationTimestamp: new Date(0) })),
    error: 'InvalidError',
    fields: ['metadata.creationTimestamp'],
    message: 'Invalid value: "Date": must be a plain JSON object',
  },
  {
    what: 'a Map',
    write: (api) => api.resource('Pod').create(pod({ name: 'a', labels: new Map([['a', 'b']]) })),
    error: 'InvalidError',
    fields: ['metadata.labels'],
    message: 'Invalid value: "Map"',
  },
  {
    what: 'a JSON string instead of an object',
    write: (api) => api.resource('Pod').create(JSON.stringify(pod({ name: 'a' })) as never),
    error: 'BadRequestError',
    message: 'create needs an object, not a string',
  },
  {
    what: 'an update with labels as a string',
    write: (api) => api.resource('Pod').update(pod({ labels: 'abc' })),
    error: 'InvalidError',
    fields: ['metadata.labels'],
    message: 'must be a map',
  },
  {
    what: 'an updateStatus with a BigInt',
    write: (api) => api.resource('Pod').updateStatus(pod({}, { status: { phase: 1n } })),
    error: 'InvalidError',
    fields: ['status.phase'],
    message: 'not a BigInt',
  },
  {
    what: 'a merge patch making labels a string',
    write: (api) => api.resource('Pod').patch('default', 'web', { metadata: { labels: 'abc' } }),
    error: 'InvalidError',
    fields: ['metadata.labels'],
    message: 'must be a map',
  },
  {
    what: 'a merge patch holding NaN',
    write: (api) => api.resource('Pod').patch('default', 'web', { spec: { priority: Number.NaN } }),
    error: 'InvalidError',
    fields: ['spec.priority'],
    message: 'must be a finite number',
  },
  {
    what: 'a merge patch setting a container port to a string',
    write: (api) =>
      api.resource('Pod').patch('default', 'web', {
        spec: { containers: [{ name: 'app', image: 'x', ports: [{ containerPort: '80' }] }] },
      }),
    error: 'InvalidError',
    fields: ['spec.containers[0].ports[0].containerPort'],
    message: 'must be a 32-bit integer',
  },
  {
    what: 'apply(null)',
    write: (api) => api.apply(null as never),
    error: 'BadRequestError',
    message: 'apply needs an object',
  },
  {
    what: 'apply with spec.replicas out of the 32-bit range',
    write: (api) =>
      api.apply({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', namespace: 'default' },
        spec: { replicas: 2 ** 31 },
      } as never),
    error: 'InvalidError',
    fields: ['spec.replicas'],
    message: 'spec.replicas: Invalid value: 2147483648: must be a 32-bit integer',
  },
  {
    what: 'a body bigger than twice the object limit',
    write: (api) => api.resource('Pod').create(pod({ name: 'a' }, { extra: [TWO_MIB, TWO_MIB] })),
    error: 'RequestEntityTooLargeError',
    message: 'request is too large',
  },
  // The write budget (maxInputEntries, 16,000 by default): the path names the object or list where the count passed it.
  {
    what: 'labels of 20,001 entries',
    write: (api) => api.resource('Pod').create(pod({ name: 'a', labels: bigMap(20_001) })),
    error: 'InvalidError',
    fields: ['metadata.labels'],
    message: 'metadata.labels: Too many: must have at most 16000 entries',
  },
  {
    // 7 entries before the containers, 304 in each (the item, 3 members, 100 env items of 3): the 16,001st
    // is the name of the 61st env var of the 53rd container.
    what: 'env lists over the budget, spread over 53 containers',
    write: (api) =>
      api.resource('Pod').create(pod({ name: 'a' }, { spec: { containers: containersWithEnv(53, 100) } })),
    error: 'InvalidError',
    fields: ['spec.containers[52].env[60]'],
    message: 'Too many: must have at most 16000 entries',
  },
  {
    what: 'a list of 20,001 empty objects',
    write: (api) =>
      api.resource('Pod').create(pod({ name: 'a' }, { extra: Array.from({ length: 20_001 }, () => ({})) })),
    error: 'InvalidError',
    fields: ['extra'],
    message: 'Too many: must have at most 16000 entries',
  },
  {
    what: 'an update with 20,001 labels',
    write: (api) => api.resource('Pod').update(pod({ labels: bigMap(20_001) })),
    error: 'InvalidError',
    fields: ['metadata.labels'],
    message: 'Too many',
  },
  {
    what: 'a merge patch of 20,001 labels',
    write: (api) => api.resource('Pod').patch('default', 'web', { metadata: { labels: bigMap(20_001) } }),
    error: 'InvalidError',
    fields: ['metadata.labels'],
    message: 'Too many',
  },
  {
    what: 'apply with 20,001 annotations',
    write: (api) => api.apply(pod({ name: 'a', annotations: bigMap(20_001) })),
    error: 'InvalidError',
    fields: ['metadata.annotations'],
    message: 'Too many',
  },
  {
    what: 'managedFields over their own budget (twice the object budget)',
    write: (api) =>
      api.resource('Pod').create(
        pod({
          name: 'a',
          managedFields: [{ manager: 'm', operation: 'Update', fieldsV1: bigMap(40_001, {}) }],
        }),
      ),
    error: 'InvalidError',
    fields: ['metadata.managedFields[0].fieldsV1'],
    message: 'Too many: must have at most 32000 entries',
  },
];
