/**
 * Big inputs for the write budget (`maxInputEntries`): real objects that
 * must stay accepted, and the shapes that pass the budget. The tests and
 * `npm run bench -- input` share them.
 */

/** A map of `n` entries with 4-character keys (300,000 empty-valued entries fit in 3 MiB). */
export function bigMap(n: number, value: unknown = '', key = (i: number) => i.toString(36).padStart(4, '0')) {
  const m: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) m[key(i)] = value;
  return m;
}

/** A Pod with `metadata` and `spec` members added to a one-container pod. */
export function bigPod(name: string, metadata: object = {}, spec: object = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...metadata },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
  };
}

/** `containers` containers of `envs` env vars each. */
export function containersWithEnv(containers: number, envs: number) {
  return Array.from({ length: containers }, (_, c) => ({
    name: `c${c}`,
    image: 'nginx',
    env: Array.from({ length: envs }, (_, e) => ({ name: `E${e}`, value: 'v' })),
  }));
}

/**
 * A schema tree `depth` levels deep with `fanOut` properties per object:
 * 8 and 4 give 4,680 properties, each with a type and a description.
 */
function schemaTree(fanOut: number, depth: number): Record<string, unknown> {
  if (depth === 0) return { type: 'string', description: 'A leaf setting of the widget.' };
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < fanOut; i++) properties[`field${i}`] = schemaTree(fanOut, depth - 1);
  return { type: 'object', description: 'A group of widget settings.', properties };
}

/** One real object the budget must leave accepted. */
export interface BigObject {
  name: string;
  kind: string;
  body: (name: string) => Record<string, unknown>;
}

/** Real big objects, each far below the default budget of 20,000 entries, that must stay accepted. */
export const realBigObjects: BigObject[] = [
  {
    name: 'configmap_1MiB_1000_keys',
    kind: 'ConfigMap',
    body: (name) => ({
      metadata: { name, namespace: 'default' },
      data: bigMap(1000, 'x'.repeat(1024), (i) => `key-${i}`),
    }),
  },
  {
    name: 'secret_near_1MiB',
    kind: 'Secret',
    body: (name) => ({
      metadata: { name, namespace: 'default' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.alloc(700 * 1024, 1).toString('base64'),
        'tls.key': Buffer.alloc(300 * 1024, 2).toString('base64'),
      },
    }),
  },
  {
    name: 'crd_4680_properties',
    kind: 'CustomResourceDefinition',
    body: (name) => {
      // The plural names the definition: lower-case letters and digits.
      const plural = name.replace(/[^a-z0-9]/g, '');
      const kind = `Widget${plural}`;
      return {
        metadata: { name: `${plural}.example.com` },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural, singular: `${plural}one`, kind, listKind: `${kind}List` },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: { type: 'object', properties: { spec: schemaTree(8, 4), status: schemaTree(2, 2) } },
              },
            },
          ],
        },
      };
    },
  },
  {
    name: 'pod_50_containers_100_env',
    kind: 'Pod',
    body: (name) => bigPod(name, {}, { containers: containersWithEnv(50, 100) }),
  },
  {
    // What the Endpoints controller writes at most: it cuts an Endpoints object at 1,000 addresses.
    name: 'endpoints_1000_addresses',
    kind: 'Endpoints',
    body: (name) => ({
      metadata: { name, namespace: 'default', labels: { app: 'web' } },
      subsets: [
        {
          addresses: Array.from({ length: 1000 }, (_, i) => ({
            ip: `10.1.${Math.floor(i / 250)}.${1 + (i % 250)}`,
            nodeName: `node-${i % 50}`,
            targetRef: {
              kind: 'Pod',
              namespace: 'default',
              name: `web-${i}`,
              uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            },
          })),
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    }),
  },
  {
    name: 'node_50_images',
    kind: 'Node',
    body: (name) => ({
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      status: {
        images: Array.from({ length: 50 }, (_, i) => ({
          names: [
            `registry.example.com/team/app-${i}@sha256:${'a'.repeat(64)}`,
            `registry.example.com/team/app-${i}:v1.2.${i}`,
          ],
          sizeBytes: 123_456_789 + i,
        })),
      },
    }),
  },
];
