import type { Deployment, ReplicaSet } from '@flotilla/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { revisionAnnotation, revisionHistoryAnnotation } from '../../src/deployment/annotations.js';
import { DeploymentReconciler } from '../../src/deployment/deployment-controller.js';
import { rollbackDeployment, rolloutStatus } from '../../src/deployment/rollout.js';
import { testDeployment } from '../support/builders.js';
import type { TestCluster } from '../support/cluster.js';
import { RolloutBounds } from '../support/rollout-bounds.js';
import { deploymentCluster } from '../support/workload-cluster.js';

describe('Deployment controller', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = await deploymentCluster(['node-1', 'node-2']);
  });
  afterEach(() => cluster.stop());

  const deployments = () => cluster.api.resource('Deployment');
  const replicaSets = async () => (await cluster.api.resource('ReplicaSet').list({ namespace: 'default' })).items;
  const setImage = async (image: string) => {
    const d = await deployments().get('default', 'web');
    d.spec.template.spec.containers[0].image = image;
    await deployments().update(d);
  };

  it('creates <name>-<hash> ReplicaSet with pod-template-hash and reports a finished rollout', async () => {
    await deployments().create(testDeployment('web', 3));
    await cluster.settle();
    const [rs] = await replicaSets();
    const hash = rs.metadata.labels?.['pod-template-hash'];
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations?.[revisionAnnotation]).toBe('1');
    const pods = await cluster.pods();
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.metadata.labels?.['pod-template-hash'] === hash)).toBe(true);
    const d = await deployments().get('default', 'web');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    expect(await rolloutStatus(cluster.api, 'default', 'web')).toEqual({
      done: true,
      failed: false,
      message: 'deployment "web" successfully rolled out',
    });
  });

  it('rolls a new template out within maxSurge / maxUnavailable on every write', async () => {
    await deployments().create(testDeployment('web', 10, { maxSurge: 3, maxUnavailable: 2 }));
    await cluster.settle();
    const bounds = new RolloutBounds(cluster);
    await bounds.start('web');
    await setImage('nginx:2');
    await cluster.settle();
    bounds.stop();
    expect(bounds.violations).toEqual([]);
    const pods = await cluster.pods();
    expect(pods).toHaveLength(10);
    expect(pods.every((p) => p.spec.containers[0].image === 'nginx:2')).toBe(true);
    const sets = await replicaSets();
    expect(sets.map((s) => s.spec.replicas).sort()).toEqual([0, 10]);
    expect((await deployments().get('default', 'web')).metadata.annotations?.[revisionAnnotation]).toBe('2');
    const [oldRS, newRS] = [...sets].sort((a, b) => (a.spec.replicas ?? 0) - (b.spec.replicas ?? 0));
    const scaling = (await cluster.events()).filter((e) => e.startsWith('ScalingReplicaSet'));
    expect(scaling[0]).toBe(`ScalingReplicaSet: Scaled up replica set ${oldRS.metadata.name} from 0 to 10`);
    expect(scaling).toContain(`ScalingReplicaSet: Scaled up replica set ${newRS.metadata.name} from 0 to 3`);
    expect(scaling.at(-1)).toMatch(
      new RegExp(`^ScalingReplicaSet: Scaled down replica set ${oldRS.metadata.name} from \\d+ to 0$`),
    );
  });

  it('Recreate scales the old set to zero before the new one starts', async () => {
    const d = testDeployment('web', 3);
    d.spec.strategy = { type: 'Recreate' };
    await deployments().create(d);
    await cluster.settle();
    const images: string[][] = [];
    await setImage('nginx:2');
    for (let i = 0; i < 30; i++) {
      await cluster.round();
      images.push([...new Set((await cluster.pods()).map((p) => p.spec.containers[0].image))]);
    }
    expect(images.some((set) => set.length > 1)).toBe(false);
    expect(images.at(-1)).toEqual(['nginx:2']);
  });

  it('keeps revision history, reuses a set on rollback and prunes beyond revisionHistoryLimit', async () => {
    const d = testDeployment('web', 2);
    d.spec.revisionHistoryLimit = 2;
    await deployments().create(d);
    await cluster.settle();
    for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await setImage(image);
      await cluster.settle();
    }
    expect(await replicaSets()).toHaveLength(3);
    const result = await rollbackDeployment(cluster.api, 'default', 'web');
    expect(result).toEqual({ revision: 3, skipped: false });
    await cluster.settle();
    const reused = (await replicaSets()).find((rs) => rs.spec.template?.spec.containers[0].image === 'nginx:3');
    expect(reused?.metadata.annotations?.[revisionAnnotation]).toBe('5');
    expect(reused?.metadata.annotations?.[revisionHistoryAnnotation]).toBe('3');
    expect((await cluster.pods()).every((p) => p.spec.containers[0].image === 'nginx:3')).toBe(true);
    await expect(rollbackDeployment(cluster.api, 'default', 'web', 42)).rejects.toThrow(/revision 42/);
  });

  it('pauses without rolling out and resumes where it left off', async () => {
    await deployments().create(testDeployment('web', 2));
    await cluster.settle();
    await deployments().patch('default', 'web', { spec: { paused: true } });
    await cluster.settle();
    await setImage('nginx:2');
    await cluster.settle();
    expect((await cluster.pods()).every((p) => p.spec.containers[0].image === 'nginx:1')).toBe(true);
    const paused = await deployments().get('default', 'web');
    expect(paused.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('DeploymentPaused');
    await deployments().patch('default', 'web', { spec: { paused: false } });
    await cluster.settle();
    expect((await cluster.pods()).every((p) => p.spec.containers[0].image === 'nginx:2')).toBe(true);
  });

  it('marks ProgressDeadlineExceeded when new pods never become ready', async () => {
    const d: Deployment = testDeployment('web', 2, { maxSurge: 1, maxUnavailable: 0 });
    d.spec.progressDeadlineSeconds = 60;
    await deployments().create(d);
    await cluster.settle();
    await setImage('nginx:broken');
    await cluster.round({ runPods: false });
    for (const p of await cluster.pods()) {
      if (p.spec.containers[0].image === 'nginx:broken') cluster.runner.setReady(p.metadata.name, false);
    }
    await cluster.settle();
    await cluster.clock.step(61_000);
    await cluster.settle();
    const status = await rolloutStatus(cluster.api, 'default', 'web');
    expect(status).toEqual({ done: false, failed: true, message: 'deployment "web" exceeded its progress deadline' });
  });

  it("claims from its own ReplicaSets and the namespace's orphans, without listing the namespace", async () => {
    // With 1,000 Deployments in one namespace, a namespace list per sync made every sync cost all their sets.
    for (const name of ['web', 'api', 'db']) await deployments().create(testDeployment(name, 1));
    await cluster.settle();
    const cache = cluster.informers.for<ReplicaSet>('ReplicaSet').cache;
    const list = vi.spyOn(cache, 'list');
    await new DeploymentReconciler(cluster.ctx).reconcile({ namespace: 'default', name: 'web' });
    const calls = list.mock.calls.length;
    list.mockRestore();
    expect(calls).toBe(0);
    expect((await deployments().get('default', 'web')).status).toMatchObject({ replicas: 1, availableReplicas: 1 });
  });

  it('scales proportionally in the middle of a rollout', async () => {
    await deployments().create(testDeployment('web', 10, { maxSurge: 3, maxUnavailable: 0 }));
    await cluster.settle();
    await setImage('nginx:2');
    await cluster.round({ runPods: false });
    for (const p of await cluster.pods()) {
      if (p.spec.containers[0].image === 'nginx:2') cluster.runner.setReady(p.metadata.name, false);
    }
    await cluster.settle();
    const before = (await replicaSets()).map((rs) => rs.spec.replicas ?? 0);
    expect(before.sort((a, b) => a - b)).toEqual([3, 10]);
    await deployments().patch('default', 'web', { spec: { replicas: 20 } });
    await cluster.round({ runPods: false });
    const after = (await replicaSets()).map((rs) => rs.spec.replicas ?? 0).sort((a, b) => a - b);
    expect(after.reduce((a, b) => a + b, 0)).toBe(23);
    expect(after[0]).toBeGreaterThan(3);
  });
});
