import { describe, expect, it } from 'vitest';
import { EventRecorder } from '../../src/controller/index.js';
import { InvalidError } from '../../src/errors/index.js';
import { type ClusterRole, parseManifests } from '../../src/model/index.js';
import { newApi } from './fixtures.js';

/** Kubernetes' own bootstrap RBAC objects, as `kubectl get -o yaml` prints them (trimmed). */
const kubernetesRbac = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:controller:deployment-controller
rules:
  - apiGroups: [apps, extensions]
    resources: [deployments]
    verbs: [get, list, watch, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:controller:deployment-controller
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:controller:deployment-controller
subjects:
  - kind: ServiceAccount
    name: deployment-controller
    namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: system:controller:bootstrap-signer
  namespace: kube-system
rules:
  - apiGroups: ['']
    resources: [secrets]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: system::extension-apiserver-authentication-reader
  namespace: kube-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: extension-apiserver-authentication-reader
subjects:
  - kind: User
    apiGroup: rbac.authorization.k8s.io
    name: system:kube-controller-manager
`;

const clusterRole = (name: string): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name },
});

describe('RBAC object names follow Kubernetes (path segments)', () => {
  it('a Kubernetes RBAC manifest loads unchanged', async () => {
    const { api } = newApi();
    const objects = parseManifests(kubernetesRbac);
    for (const obj of objects) await api.apply(obj);
    for (const obj of objects) {
      const client = api.resource(obj.kind);
      const { namespace, name } = obj.metadata;
      const stored = namespace ? await client.get(namespace, name) : await client.get(name);
      expect(stored.metadata.name).toBe(name);
    }
  });

  it.each([
    ['.', "may not be '.'"],
    ['..', "may not be '..'"],
    ['system/admin', "may not contain '/'"],
    ['system%2Fadmin', "may not contain '%'"],
  ])('refuses the name %j (%s)', async (name, problem) => {
    const { api } = newApi();
    const err = await api
      .resource('ClusterRole')
      .create(clusterRole(name))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).message).toContain(problem);
    expect((await api.resource('ClusterRole').list()).items).toEqual([]);
  });

  it('an Event about a Kubernetes system role is recorded (Event names embed the object name)', async () => {
    const { api, clock } = newApi();
    const role = await api.resource('ClusterRole').create(clusterRole('system:controller:deployment-controller'));
    await new EventRecorder(api, { component: 'test', clock }).event(role, 'Normal', 'Reconciled', 'ok');
    const events = (await api.resource('Event').list()).items;
    expect(events.map((e) => e.involvedObject.name)).toEqual(['system:controller:deployment-controller']);
    expect(events[0]!.metadata.name).toMatch(/^system:controller:deployment-controller\.[0-9a-f]+$/);
  });

  it('other kinds keep the DNS rule: a Pod named like a system role is refused', async () => {
    const { api } = newApi();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'system:pod', namespace: 'default' } };
    await expect(api.apply(pod)).rejects.toThrow(/metadata.name: Invalid value: "system:pod"/);
  });
});
