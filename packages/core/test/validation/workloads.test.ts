import { describe, expect, it } from 'vitest';
import { defaultCronJob, defaultJob } from '../../src/defaulting/batch.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet } from '../../src/defaulting/workloads.js';
import type { DaemonSet, Deployment, ReplicaSet } from '../../src/model/apps-v1.js';
import type { CronJob, Job } from '../../src/model/batch-v1.js';
import type { PodTemplateSpec, ReplicationController } from '../../src/model/core-v1.js';
import { validateCronJob, validateJob } from '../../src/validation/batch.js';
import {
  validateDaemonSet,
  validateDeployment,
  validateReplicaSet,
  validateReplicationController,
} from '../../src/validation/workloads.js';
import { expectFieldErrors } from './expect-field-errors.js';

const template = (restartPolicy?: 'Always' | 'OnFailure' | 'Never'): PodTemplateSpec => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1' }], ...(restartPolicy ? { restartPolicy } : {}) },
});
const meta = { name: 'web', namespace: 'default', uid: 'u-1' };
const deployment = (spec: Partial<Deployment['spec']> = {}): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta,
  spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
});
const job = (spec: Partial<Job['spec']> = {}): Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: meta,
  spec: { template: template('Never'), ...spec },
});

describe('Deployment', () => {
  it('accepts a defaulted deployment', () => {
    const d = deployment();
    defaultDeployment(d);
    expect(validateDeployment(d)).toEqual([]);
  });

  it.each<[string, Partial<Deployment['spec']>, string[]]>([
    ['no selector', { selector: undefined as never }, ['spec.selector: Required value']],
    [
      'an empty selector',
      { selector: {} },
      ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
    ],
    [
      'a selector not matching the template',
      { selector: { matchLabels: { app: 'db' } } },
      ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    ['negative replicas', { replicas: -1 }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      'a template image missing',
      { template: { ...template(), spec: { containers: [{ name: 'app', image: '' }] } } },
      ['spec.template.spec.containers[0].image: Required value'],
    ],
    [
      'an OnFailure template',
      { template: template('OnFailure') },
      ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    ],
    [
      'maxSurge and maxUnavailable both 0',
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } },
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'],
    ],
    [
      'a malformed percent',
      { strategy: { rollingUpdate: { maxSurge: '25 percent' } } },
      ['spec.strategy.rollingUpdate.maxSurge: Invalid value: "25 percent": a valid percent string must be'],
    ],
    [
      'maxUnavailable over 100%',
      { strategy: { rollingUpdate: { maxUnavailable: '150%' } } },
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'],
    ],
    [
      'Recreate with rollingUpdate',
      { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
    [
      'a deadline not above minReadySeconds',
      { minReadySeconds: 30, progressDeadlineSeconds: 30 },
      ['spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds'],
    ],
  ])('rejects %s', (_, spec, expected) => {
    expectFieldErrors(validateDeployment(deployment(spec)), expected);
  });

  it('keeps the selector immutable', () => {
    const old = deployment();
    const next = deployment({
      selector: { matchLabels: { app: 'web', v: '2' } },
      template: { ...template(), metadata: { labels: { app: 'web', v: '2' } } },
    });
    expectFieldErrors(validateDeployment(next, old), [
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
    ]);
    expect(validateDeployment(deployment({ replicas: 5 }), old)).toEqual([]);
  });
});

describe('ReplicaSet, ReplicationController, DaemonSet', () => {
  it('accepts defaulted objects', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta,
      spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
    };
    defaultReplicaSet(rs);
    expect(validateReplicaSet(rs)).toEqual([]);
    const ds: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta,
      spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
    };
    defaultDaemonSet(ds);
    expect(validateDaemonSet(ds)).toEqual([]);
  });

  it('checks ReplicaSet selectors with expressions', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta,
      spec: {
        selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
        template: template(),
      },
    };
    expectFieldErrors(validateReplicaSet(rs), [
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match',
    ]);
    rs.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In' }] };
    expectFieldErrors(validateReplicaSet(rs), ['spec.selector.matchExpressions[0].values: Required value']);
  });

  it('requires a ReplicationController selector to match its template', () => {
    const rc: ReplicationController = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: meta,
      spec: { selector: { app: 'other' }, template: template() },
    };
    expectFieldErrors(validateReplicationController(rc), ['spec.template.metadata.labels: Invalid value']);
    rc.spec.template = undefined;
    expectFieldErrors(validateReplicationController(rc), ['spec.template: Required value']);
  });

  it('rejects a DaemonSet with a bad update strategy', () => {
    const ds: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta,
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: template(),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } },
      },
    };
    expectFieldErrors(validateDaemonSet(ds), [
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    ]);
    ds.spec.updateStrategy = { type: 'Sometimes' as 'OnDelete' };
    expectFieldErrors(validateDaemonSet(ds), ['spec.updateStrategy.type: Unsupported value: "Sometimes"']);
  });
});

describe('Job and CronJob', () => {
  it('accepts a defaulted Job with a generated selector', () => {
    const j = job();
    defaultJob(j);
    expect(validateJob(j)).toEqual([]);
  });

  it.each<[string, Partial<Job['spec']>, string[]]>([
    [
      'a template without a restart policy (defaulted to Always)',
      { template: template() },
      ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    ],
    [
      'negative parallelism',
      { parallelism: -1 },
      ['spec.parallelism: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'negative completions',
      { completions: -2 },
      ['spec.completions: Invalid value: -2: must be greater than or equal to 0'],
    ],
    ['negative backoffLimit', { backoffLimit: -1 }, ['spec.backoffLimit: Invalid value: -1']],
    [
      'Indexed without completions',
      { completionMode: 'Indexed', parallelism: 2 },
      ['spec.completions: Required value: when completion mode is Indexed'],
    ],
    [
      'a manual selector not matching',
      { manualSelector: true, selector: { matchLabels: { app: 'other' } } },
      ['spec.template.metadata.labels: Invalid value'],
    ],
  ])('rejects %s', (_, spec, expected) => {
    const j = job(spec);
    defaultJob(j);
    expectFieldErrors(validateJob(j), expected);
  });

  const cron = (schedule: string, name = 'nightly'): CronJob => {
    const cj: CronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { ...meta, name },
      spec: { schedule, jobTemplate: { spec: { template: template('OnFailure') } } },
    };
    defaultCronJob(cj);
    return cj;
  };

  it.each(['*/5 * * * *', '0 3 * * 1-5', '@hourly', '@daily', '0 0 1 JAN *'])('accepts schedule %j', (s) => {
    expect(validateCronJob(cron(s))).toEqual([]);
  });

  it.each<[string, string]>([
    ['', 'spec.schedule: Required value'],
    ['* * * *', 'spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4'],
    ['@sometimes', 'spec.schedule: Invalid value: "@sometimes": unknown macro'],
    ['TZ=UTC 0 * * * *', 'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule'],
    ['0 * * * $(reboot)', 'spec.schedule: Invalid value: "0 * * * $(reboot)": fields may only hold'],
  ])('rejects schedule %j', (s, expected) => {
    expectFieldErrors(validateCronJob(cron(s)), [expected]);
  });

  // Kubernetes' validateTimeZone (pkg/apis/batch/validation): an IANA name, never "Local" or empty.
  it.each<[string, string | undefined]>([
    ['Europe/Paris', undefined],
    ['America/Argentina/Buenos_Aires', undefined],
    ['UTC', undefined],
    ['Local', 'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone'],
    ['', 'spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string'],
    ['Mars/Olympus', 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone'],
    ['+01:00', 'spec.timeZone: Invalid value: "+01:00": unknown time zone'],
  ])('spec.timeZone %j', (tz, expected) => {
    const cj = cron('@daily');
    cj.spec.timeZone = tz;
    expectFieldErrors(validateCronJob(cj), expected ? [expected] : []);
  });

  it('limits CronJob names to 52 characters and checks the job template', () => {
    expectFieldErrors(validateCronJob(cron('@daily', 'a'.repeat(53))), ['metadata.name: Invalid value: "aaaaa']);
    const cj = cron('@daily');
    cj.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always';
    cj.spec.concurrencyPolicy = 'Sometimes' as 'Allow';
    expectFieldErrors(validateCronJob(cj), [
      'spec.concurrencyPolicy: Unsupported value: "Sometimes"',
      'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always"',
    ]);
  });
});
