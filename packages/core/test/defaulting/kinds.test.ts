import { describe, expect, it } from 'vitest';
import { defaultHorizontalPodAutoscaler } from '../../src/defaulting/autoscaling.js';
import { defaultCronJob, defaultJob } from '../../src/defaulting/batch.js';
import {
  defaultNamespace,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultSecret,
} from '../../src/defaulting/cluster.js';
import { defaultService } from '../../src/defaulting/service.js';
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultReplicaSet,
  defaultReplicationController,
} from '../../src/defaulting/workloads.js';
import type { DaemonSet, Deployment, ReplicaSet } from '../../src/model/apps-v1.js';
import type { HorizontalPodAutoscaler } from '../../src/model/autoscaling-v2.js';
import type { CronJob, Job } from '../../src/model/batch-v1.js';
import type {
  Namespace,
  PersistentVolume,
  PersistentVolumeClaim,
  PodTemplateSpec,
  ReplicationController,
  Secret,
  Service,
  ServiceSpec,
} from '../../src/model/core-v1.js';

const meta = { name: 'x', namespace: 'default', uid: 'uid-1' };
const template = (): PodTemplateSpec => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', image: 'nginx:1' }] },
});
const svc = (spec: ServiceSpec): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: meta, spec });

describe('defaultService', () => {
  it.each<[string, ServiceSpec, ServiceSpec]>([
    [
      'ClusterIP',
      { selector: { app: 'web' }, ports: [{ port: 80 }] },
      {
        selector: { app: 'web' },
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        type: 'ClusterIP',
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
      },
    ],
    [
      'NodePort with ClientIP affinity and a named target port',
      { type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 'http', protocol: 'UDP' }] },
      {
        type: 'NodePort',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ports: [{ port: 80, targetPort: 'http', protocol: 'UDP' }],
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
      },
    ],
    [
      'LoadBalancer keeps Local',
      { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 443 }] },
      {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        ports: [{ port: 443, protocol: 'TCP', targetPort: 443 }],
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
      },
    ],
    [
      'ExternalName',
      { type: 'ExternalName', externalName: 'db.example.com' },
      { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' },
    ],
  ])('%s', (_, given, expected) => {
    const s = svc(given);
    defaultService(s);
    expect(s.spec).toEqual(expected);
  });
});

describe('workload defaults', () => {
  it('ReplicaSet: one replica, template defaulted', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta,
      spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
    };
    defaultReplicaSet(rs);
    expect(rs.spec.replicas).toBe(1);
    expect(rs.spec.template?.spec.restartPolicy).toBe('Always');
    expect(rs.spec.template?.spec.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
  });

  it('ReplicationController: selector and labels from the template', () => {
    const rc: ReplicationController = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { ...meta },
      spec: { template: template() },
    };
    defaultReplicationController(rc);
    expect(rc.spec).toMatchObject({ replicas: 1, selector: { app: 'web' } });
    expect(rc.metadata.labels).toEqual({ app: 'web' });
    const explicit: ReplicationController = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { ...meta, labels: { own: 'label' } },
      spec: { replicas: 0, selector: { tier: 'x' }, template: template() },
    };
    defaultReplicationController(explicit);
    expect(explicit.spec).toMatchObject({ replicas: 0, selector: { tier: 'x' } });
    expect(explicit.metadata.labels).toEqual({ own: 'label' });
  });

  it('Deployment: RollingUpdate 25%/25%, history 10, deadline 600', () => {
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
    };
    defaultDeployment(d);
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    const recreate: Deployment = { ...d, spec: { ...d.spec, strategy: { type: 'Recreate' } } };
    defaultDeployment(recreate);
    expect(recreate.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('DaemonSet: RollingUpdate maxUnavailable 1, maxSurge 0, history 10', () => {
    const ds: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta,
      spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
    };
    defaultDaemonSet(ds);
    expect(ds.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
  });
});

describe('batch defaults', () => {
  const job = (spec: Partial<Job['spec']> = {}): Job => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'uid-7' },
    spec: { template: template(), ...spec },
  });

  it('Job: counts, backoff, mode, generated selector and labels', () => {
    const j = job();
    defaultJob(j);
    expect(j.spec).toMatchObject({
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-7' } },
    });
    // Kubernetes (pkg/registry/batch/job/strategy.go) still sets the legacy labels beside the batch.kubernetes.io/ ones.
    expect(j.spec.template.metadata?.labels).toEqual({
      app: 'web',
      'batch.kubernetes.io/controller-uid': 'uid-7',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': 'uid-7',
      'job-name': 'pi',
    });
  });

  it('Job: legacy labels the template already sets are kept', () => {
    const j = job();
    j.spec.template.metadata = { labels: { app: 'web', 'job-name': 'custom' } };
    defaultJob(j);
    expect(j.spec.template.metadata.labels?.['job-name']).toBe('custom');
    expect(j.spec.template.metadata.labels?.['controller-uid']).toBe('uid-7');
  });

  it('Job: a work queue (parallelism only) keeps completions unset', () => {
    const j = job({ parallelism: 3 });
    defaultJob(j);
    expect(j.spec.parallelism).toBe(3);
    expect(j.spec.completions).toBeUndefined();
  });

  it('Job: manualSelector keeps the given selector and labels', () => {
    const j = job({ manualSelector: true, selector: { matchLabels: { app: 'web' } } });
    defaultJob(j);
    expect(j.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(j.spec.template.metadata?.labels).toEqual({ app: 'web' });
  });

  it('CronJob: Allow, not suspended, history 3/1', () => {
    const cj: CronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta,
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template() } } },
    };
    defaultCronJob(cj);
    expect(cj.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(cj.spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
  });
});

describe('other kinds', () => {
  it('HPA: minReplicas 1 and CPU 80%', () => {
    const hpa: HorizontalPodAutoscaler = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta,
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
    };
    defaultHorizontalPodAutoscaler(hpa);
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
  });

  it('Namespace: kubernetes finalizer and Active', () => {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } };
    defaultNamespace(ns);
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('PV and PVC: Retain, Filesystem, Pending', () => {
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv' },
      spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/data' } },
    };
    defaultPersistentVolume(pv);
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
    expect(pv.status?.phase).toBe('Pending');
    const pvc: PersistentVolumeClaim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta, spec: {} };
    defaultPersistentVolumeClaim(pvc);
    expect(pvc.spec.volumeMode).toBe('Filesystem');
    expect(pvc.status?.phase).toBe('Pending');
  });

  it('Secret: Opaque, stringData merged into base64 data and removed', () => {
    const s: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      data: { a: Buffer.from('old').toString('base64'), b: Buffer.from('keep').toString('base64') },
      stringData: { a: 'new', c: 'héllo' },
    };
    defaultSecret(s);
    expect(s.type).toBe('Opaque');
    expect(s.stringData).toBeUndefined();
    expect(
      Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])),
    ).toEqual({ a: 'new', b: 'keep', c: 'héllo' });
  });
});
