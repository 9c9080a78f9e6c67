// Descriptions of the fields people `kubectl explain` most, paraphrasing
// Kubernetes' API reference. Keys are `Kind.path` for a kind's own fields,
// `*.path` for fields every kind shares.

const descriptions: Record<string, string> = {
  '*.apiVersion':
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  '*.kind':
    'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  '*.metadata': "Standard object's metadata.",
  '*.spec': 'Specification of the desired behavior of the object.',
  '*.status': 'Most recently observed status of the object. Populated by the system. Read-only.',
  'Deployment.spec.replicas':
    'Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.',
  'Deployment.spec.selector':
    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
  'Deployment.spec.template': 'Template describes the pods that will be created.',
  'Deployment.spec.strategy': 'The deployment strategy to use to replace existing pods with new ones.',
  'Deployment.spec.minReadySeconds':
    'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.',
  'Deployment.spec.revisionHistoryLimit': 'The number of old ReplicaSets to retain to allow rollback. Defaults to 10.',
  'Deployment.spec.paused': 'Indicates that the deployment is paused.',
  'Deployment.spec.progressDeadlineSeconds':
    'The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.',
  'ReplicaSet.spec.replicas': 'Replicas is the number of desired pods. Defaults to 1.',
  'StatefulSet.spec.replicas': 'replicas is the desired number of replicas of the given Template. Defaults to 1.',
  'Job.spec.parallelism': 'Specifies the maximum desired number of pods the job should run at any given time.',
  'Job.spec.completions': 'Specifies the desired number of successfully finished pods the job should be run with.',
  'Job.spec.backoffLimit': 'Specifies the number of retries before marking this job failed. Defaults to 6.',
  'CronJob.spec.schedule': 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.',
  'Service.spec.type':
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.',
  'Service.spec.ports': 'The list of ports that are exposed by this service.',
  'Service.spec.selector': 'Route service traffic to pods with label keys and values matching this selector.',
  'Pod.spec.containers':
    'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod.',
  'Pod.spec.nodeName': 'NodeName indicates in which node this pod is scheduled.',
  'ConfigMap.data': 'Data contains the configuration data.',
  'Secret.data': 'Data contains the secret data. Each value is base64 encoded.',
};

/** A short description of the field at `path` (`Deployment.spec.replicas`), if one is known. */
export function describeField(path: string): string | undefined {
  const dot = path.indexOf('.');
  return descriptions[path] ?? (dot > 0 ? descriptions[`*${path.slice(dot)}`] : undefined);
}
