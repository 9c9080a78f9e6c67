import type { Affinity, Node, Pod } from '@flotilla/core';

/** A machine that runs jobs, as the dispatch service's clients describe it. */
export interface Worker {
  name: string;
  /** CPU cores, as a Kubernetes quantity (`4`, `500m`). */
  cpu: string;
  /** Memory, as a Kubernetes quantity (`8Gi`). */
  memory: string;
  labels?: Record<string, string>;
}

/** A unit of work to place on one worker. */
export interface Job {
  name: string;
  cpu: string;
  memory: string;
  /** Labels of the job itself, which other jobs' `apartFrom` can name. */
  labels?: Record<string, string>;
  /** Only workers with all these labels qualify. */
  requireWorkerLabels?: Record<string, string>;
  /** Workers with these labels are preferred, others still qualify. */
  preferWorkerLabels?: Record<string, string>;
  /** Never on a worker already running a job with all these labels. */
  apartFrom?: Record<string, string>;
}

/** The namespace the dispatcher's pods live in (the scheduler keys pods by `namespace/name`). */
const JOBS_NAMESPACE = 'jobs';

/** The label every worker carries with its own name, the topology key of `apartFrom`. */
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** Jobs are small and many: the most a worker runs at once. */
const MAX_JOBS_PER_WORKER = '250';

// #region worker-node
/** A worker as the scheduler sees it: a ready, schedulable Node with the worker's capacity. */
export function workerNode(worker: Worker): Node {
  const capacity = { cpu: worker.cpu, memory: worker.memory, pods: MAX_JOBS_PER_WORKER };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: worker.name, labels: { ...worker.labels, [HOSTNAME_LABEL]: worker.name } },
    spec: {},
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}
// #endregion worker-node

/** Matches exactly the given labels, in the scheduler's selector terms. */
function matchAll(labels: Record<string, string>) {
  return Object.entries(labels).map(([key, value]) => ({ key, operator: 'In' as const, values: [value] }));
}

/** A job's placement rules as Kubernetes node affinity and pod anti-affinity. */
function jobAffinity(job: Job): Affinity | undefined {
  const affinity: Affinity = {};
  if (job.requireWorkerLabels || job.preferWorkerLabels) {
    affinity.nodeAffinity = {
      ...(job.requireWorkerLabels && {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: matchAll(job.requireWorkerLabels) }],
        },
      }),
      ...(job.preferWorkerLabels && {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, preference: { matchExpressions: matchAll(job.preferWorkerLabels) } },
        ],
      }),
    };
  }
  if (job.apartFrom) {
    affinity.podAntiAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: job.apartFrom }, topologyKey: HOSTNAME_LABEL },
      ],
    };
  }
  return affinity.nodeAffinity || affinity.podAntiAffinity ? affinity : undefined;
}

/** A job as the scheduler sees it: a pod requesting the job's resources; `worker` binds it. */
export function jobPod(job: Job, worker?: string): Pod {
  const affinity = jobAffinity(job);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: JOBS_NAMESPACE, name: job.name, labels: job.labels ?? {} },
    spec: {
      ...(worker && { nodeName: worker }),
      ...(affinity && { affinity }),
      containers: [{ name: 'job', image: 'job', resources: { requests: { cpu: job.cpu, memory: job.memory } } }],
    },
  };
}
