import type { ContainerMetadata, ImageSpec, PodSandboxMetadata } from '../cri/messages.js';

/**
 * Docker labels under which DockerRuntime keeps what the CRI calls metadata
 * and annotations (Docker has no annotations), so that everything a CRI
 * caller stored can be read back from Docker after a restart.
 */
export const dockerLabels = {
  /** `podsandbox` or `container`. */
  type: 'io.flotilla.cri.type',
  /** JSON of the sandbox's or container's CRI metadata. */
  metadata: 'io.flotilla.cri.metadata',
  /** The sandbox a container belongs to. */
  sandboxId: 'io.flotilla.cri.sandbox-id',
  /** JSON of `{ image, logPath }` for containers. */
  container: 'io.flotilla.cri.container',
  /** Prefix of labels that carry CRI annotations. */
  annotationPrefix: 'io.flotilla.cri.annotation.',
} as const;

const reservedPrefix = 'io.flotilla.cri.';

/** Builds the Docker labels of a sandbox or container from its CRI fields. */
export function encodeLabels(
  type: 'podsandbox' | 'container',
  metadata: PodSandboxMetadata | ContainerMetadata,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
  extra: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = { ...labels };
  for (const [k, v] of Object.entries(annotations)) out[dockerLabels.annotationPrefix + k] = v;
  return { ...out, ...extra, [dockerLabels.type]: type, [dockerLabels.metadata]: JSON.stringify(metadata) };
}

/** The CRI labels and annotations hidden in a Docker label set. */
export function decodeLabels(docker: Record<string, string> = {}): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(docker)) {
    if (k.startsWith(dockerLabels.annotationPrefix)) annotations[k.slice(dockerLabels.annotationPrefix.length)] = v;
    else if (!k.startsWith(reservedPrefix)) labels[k] = v;
  }
  return { labels, annotations };
}

/** Reads a JSON label written by `encodeLabels` (or `container`). */
export function readJsonLabel<T>(docker: Record<string, string> = {}, key: string, fallback: T): T {
  const raw = docker[key];
  if (raw === undefined) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

/** What DockerRuntime remembers about a container beyond its metadata. */
export interface ContainerExtras {
  image: ImageSpec;
  logPath: string;
}

/** Docker only allows `[a-zA-Z0-9][a-zA-Z0-9_.-]` in names: anything else becomes `-`. */
export function dockerName(parts: (string | number)[]): string {
  return parts
    .map(String)
    .join('_')
    .replace(/[^a-zA-Z0-9_.-]/g, '-')
    .replace(/^[^a-zA-Z0-9]/, 'x');
}
