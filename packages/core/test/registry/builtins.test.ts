import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/model/manifests.js';
import type { KubeObject } from '../../src/model/meta.js';
import { builtinKindInfo, builtinResourceTypes, createBuiltinRegistry } from '../../src/registry/builtins.js';
import { validateObjectMeta } from '../../src/validation/object-meta.js';

/** What the Api does on create: metadata first, then defaults, then generic and kind validation. */
function admit(obj: KubeObject): string[] {
  const type = createBuiltinRegistry().forObject(obj);
  obj.metadata.uid ??= 'uid-1';
  type.default?.(obj);
  return [...validateObjectMeta(obj, type), ...(type.validate?.(obj) ?? [])].map((e) => `${e.field}: ${e.message}`);
}

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: team-a}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team-a}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 8080}]
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m, memory: 128Mi}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: team-a}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: busybox:1.36, command: [sh, -c, 'echo done']}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: team-a}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox:1.36}]
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: team-a}
stringData: {password: hunter2}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: team-a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: team-a}
spec:
  containers: [{name: sh, image: busybox}]
`;

describe('builtinResourceTypes', () => {
  it('covers every built-in kind with its names and scope', () => {
    const types = builtinResourceTypes();
    expect(types.map((t) => t.kind)).toEqual(builtinKindInfo.map((i) => i.kind));
    for (const t of types) expect(t.validate, t.kind).toBeTypeOf('function');
    expect(types.find((t) => t.kind === 'Namespace')?.nameFormat).toBe('dns1123Label');
    expect(types.find((t) => t.kind === 'Service')?.nameFormat).toBe('dns1035Label');
    expect(types.find((t) => t.kind === 'Pod')?.nameFormat).toBeUndefined();
    const rbac = ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];
    for (const kind of rbac) expect(types.find((t) => t.kind === kind)?.nameFormat, kind).toBe('pathSegment');
    expect(types.find((t) => t.kind === 'Event')?.nameFormat).toBe('pathSegment');
    expect(
      types
        .filter((t) => t.nameFormat === 'pathSegment')
        .map((t) => t.kind)
        .sort(),
    ).toEqual([...rbac, 'Event'].sort());
  });

  it('returns fresh objects each call', () => {
    const [a] = builtinResourceTypes();
    a!.plural = 'changed';
    expect(builtinResourceTypes()[0]!.plural).not.toBe('changed');
  });

  it('defaults and validates realistic manifests cleanly', () => {
    for (const obj of parseManifests(manifests)) expect(admit(obj), obj.kind).toEqual([]);
  });

  it('rejects hostile names through the registry types', () => {
    const [svc] = parseManifests(manifests.split('---')[1]!.replace('name: web', 'name: "web;rm -rf /"'));
    expect(admit(svc!)[0]).toContain('metadata.name: Invalid value: "web;rm -rf /": a DNS-1035 label must consist of');
  });

  it('accepts custom kinds beside the built-ins', () => {
    const registry = createBuiltinRegistry();
    registry.register({ group: 'example.com', version: 'v1', kind: 'Website', plural: 'websites', namespaced: true });
    expect(registry.get('Website').plural).toBe('websites');
    expect(registry.get('Pod').default).toBeTypeOf('function');
  });
});
