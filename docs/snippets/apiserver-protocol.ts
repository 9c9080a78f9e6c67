import {
  applyStrategicMergePatch,
  decodeProtobufObject,
  encodeProtobufObject,
  openApiV3GroupVersion,
  openApiV3Index,
  recordUpdate,
  serverSideApply,
} from '@flotilla/apiserver';
import { createBuiltinRegistry } from '@flotilla/core';

/** The wire protocol's pure parts: patches, field ownership, protobuf bodies, OpenAPI documents. */
function main() {
  const now = new Date('2026-01-01T00:00:00Z');
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.27' },
            { name: 'log', image: 'busybox' },
          ],
        },
      },
    },
  };

  // What `kubectl apply` sends for a changed image: containers merge by name.
  const patched = applyStrategicMergePatch(deployment, {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'log' }],
          containers: [{ name: 'web', image: 'nginx:1.28' }],
        },
      },
    },
  });
  console.log(patched.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`).join(' '));

  // Field ownership: created by client-side apply, then a server-side apply that changes replicas.
  const live = recordUpdate(undefined, deployment, { manager: 'kubectl-client-side-apply', now });
  const scaled = { ...deployment, spec: { ...deployment.spec, replicas: 3 } };
  const conflict = serverSideApply({ live, applied: scaled, fieldManager: 'kubectl', now });
  if (conflict.outcome === 'conflict') console.log(`${conflict.status.code} ${conflict.status.message}`);
  const forced = serverSideApply({ live, applied: scaled, fieldManager: 'kubectl', force: true, now });
  if (forced.outcome === 'applied')
    console.log(`forced: replicas=${(forced.object.spec as { replicas: number }).replicas}`);

  // `kubectl create configmap` sends protobuf; the server decodes it to the JSON object.
  const body = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
  console.log(JSON.stringify(decodeProtobufObject(body)));

  // OpenAPI: the index kubectl reads first, then one group-version document.
  const registry = createBuiltinRegistry();
  const url = openApiV3Index(registry).paths['apis/apps/v1'].serverRelativeURL;
  console.log(url.replace(/hash=[0-9A-F]{128}$/, 'hash=<SHA-512 of the document>'));
  const apps = openApiV3GroupVersion(registry, 'apps', 'v1') as { paths: Record<string, unknown> };
  console.log(Object.keys(apps.paths).filter((p) => p.includes('deployments')).length, 'deployment paths');
}

main();
