import { type ClusterRole, ensureBootstrapRbac } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { registerClusterRoleAggregationController } from '../../src/clusterrole-aggregation/register.js';
import { useManagerHarness } from '../support/manager-harness.js';

const role = (name: string, labels: Record<string, string>, rules: ClusterRole['rules']): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
});
const widgets = { verbs: ['get', 'list', 'watch'], apiGroups: ['example.dev'], resources: ['widgets'] };

describe('the clusterrole-aggregation controller', () => {
  const harness = useManagerHarness(registerClusterRoleAggregationController, ensureBootstrapRbac);
  const { eventually } = harness;
  const rulesOf = async (name: string) => (await harness.api.resource('ClusterRole').get(name)).rules ?? [];

  it('adds a role labelled aggregate-to-view to view, and through edit and admin, and takes it away again', async () => {
    await harness.api
      .resource('ClusterRole')
      .create(role('widget-viewer', { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, [widgets]));
    await eventually(async () => {
      for (const name of ['view', 'edit', 'admin']) expect(await rulesOf(name)).toContainEqual(widgets);
    });
    await harness.api.resource('ClusterRole').delete('widget-viewer');
    await eventually(async () => {
      for (const name of ['view', 'edit', 'admin']) expect(await rulesOf(name)).not.toContainEqual(widgets);
    });
  });

  it('leaves roles without an aggregation rule alone', async () => {
    await harness.api.resource('ClusterRole').create(role('plain', {}, [widgets]));
    await harness.api
      .resource('ClusterRole')
      .create(
        role('other', { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, [{ ...widgets, verbs: ['get'] }]),
      );
    await eventually(async () => expect(await rulesOf('view')).toContainEqual({ ...widgets, verbs: ['get'] }));
    expect(await rulesOf('plain')).toEqual([widgets]);
  });
});
