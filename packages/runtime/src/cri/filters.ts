import type { Container, ContainerFilter, PodSandbox, PodSandboxFilter } from './messages.js';

// Runs for every object on every list (the agent's relist and each pod sync), so it allocates nothing.
function hasLabels(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  for (const key in selector) {
    if (labels[key] !== selector[key]) return false;
  }
  return true;
}

/** CRI filter semantics for sandboxes: every given field must match. Shared by all backends. */
export function matchesSandboxFilter(s: PodSandbox, filter: PodSandboxFilter = {}): boolean {
  return (
    (filter.id === undefined || s.id === filter.id) &&
    (filter.state === undefined || s.state === filter.state) &&
    hasLabels(s.labels, filter.labelSelector)
  );
}

/** CRI filter semantics for containers: every given field must match. Shared by all backends. */
export function matchesContainerFilter(c: Container, filter: ContainerFilter = {}): boolean {
  return (
    (filter.id === undefined || c.id === filter.id) &&
    (filter.state === undefined || c.state === filter.state) &&
    (filter.podSandboxId === undefined || c.podSandboxId === filter.podSandboxId) &&
    hasLabels(c.labels, filter.labelSelector)
  );
}
