/**
 * Labels every runtime object carries so that a restarted agent rebuilds its
 * view from the runtime alone (the kubelet uses the same `io.kubernetes.*`
 * keys on Docker).
 */
export const criLabels = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  /** `podsandbox` or `container`: what kind of runtime object this is. */
  type: 'io.kubernetes.docker.type',
} as const;

/** Annotation keys for values that are not labels in the CRI but must survive a restart. */
export const criAnnotations = {
  sandboxAttempt: 'io.kubernetes.sandbox.attempt',
  containerAttempt: 'io.kubernetes.container.restartCount',
  /** The container's declared ports (JSON), as the kubelet annotates them; FakeRuntime's default server listens on them. */
  containerPorts: 'io.kubernetes.container.ports',
} as const;
