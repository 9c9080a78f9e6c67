import fc from 'fast-check';
import type { FieldPath } from '../../src/patch/apply/field-path.js';
import { builtinFieldSchema } from '../../src/patch/builtin-field-schemas.js';

/** Pods of a few shapes for the fieldsV1 properties: lists keyed by name, ports and env, with free-form parts. */
export const podSchema = builtinFieldSchema('v1', 'Pod');
export const skips: Record<string, (path: FieldPath) => boolean> = {
  nothing: () => false,
  'status and metadata.name': (path) =>
    path[0] === 'f:status' || (path.length === 2 && path[0] === 'f:metadata' && path[1] === 'f:name'),
};

const name = fc.constantFrom('web', 'side', 'init');
const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null));
const container = fc.record(
  {
    name,
    image: fc.string({ maxLength: 6 }),
    ports: fc.uniqueArray(
      fc.record(
        { containerPort: fc.constantFrom(80, 443), protocol: fc.constantFrom('TCP', 'UDP') },
        { requiredKeys: ['containerPort'] },
      ),
      { maxLength: 3, selector: (p) => `${p.containerPort}/${p.protocol ?? 'TCP'}` },
    ),
    env: fc.uniqueArray(fc.record({ name: fc.constantFrom('A', 'B'), value: fc.string({ maxLength: 3 }) }), {
      maxLength: 3,
      selector: (e) => e.name,
    }),
    args: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    resources: fc.record({ limits: fc.dictionary(fc.constantFrom('cpu', 'memory'), fc.string({ maxLength: 3 })) }),
  },
  { requiredKeys: ['name'] },
);
export const pod = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Pod'),
  metadata: fc.record(
    {
      name: fc.constant('p'),
      labels: fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), fc.string({ maxLength: 3 })),
      finalizers: fc.uniqueArray(fc.constantFrom('a', 'b'), { maxLength: 2 }),
    },
    { requiredKeys: ['name'] },
  ),
  spec: fc.record(
    {
      containers: fc.uniqueArray(container, { maxLength: 3, selector: (c) => c.name }),
      nodeSelector: fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), scalar),
      extra: fc.jsonValue({ maxDepth: 3 }),
      empty: fc.constant({}),
    },
    { requiredKeys: ['containers'] },
  ),
  status: fc.record({ phase: fc.constantFrom('Pending', 'Running') }),
});
