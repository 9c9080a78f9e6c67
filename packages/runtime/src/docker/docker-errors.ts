import { RuntimeError, type RuntimeErrorCode, type RuntimeErrorDetails } from '../cri/errors.js';

interface DockerApiError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

const messageOf = (err: DockerApiError) => err.json?.message ?? err.message ?? String(err);

/** The HTTP status of a Docker API error, if it is one. */
export function dockerStatus(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? (err as DockerApiError).statusCode : undefined;
}

/**
 * Turns an error from the Docker API into a RuntimeError. `fallback` is the
 * code for failures that are not about a missing object or an unreachable
 * daemon (e.g. CreateContainerError for a create that Docker refused).
 */
export function toRuntimeError(
  err: unknown,
  action: string,
  fallback: RuntimeErrorCode,
  details: RuntimeErrorDetails = {},
): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as DockerApiError;
  const message = messageOf(e);
  const withCause = { ...details, cause: err };
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EACCES') {
    return new RuntimeError(
      'Unavailable',
      `${action}: the Docker daemon does not answer (${e.code}); start dockerd (scripts/docker.ts ensureDocker) or check the socket path`,
      withCause,
    );
  }
  const status = e.statusCode;
  if (status === 404 && /no such image/i.test(message)) {
    return new RuntimeError(
      'ImageNotPresent',
      `${action}: image "${details.image}" is not present; pull it first`,
      withCause,
    );
  }
  if (status === 404) return new RuntimeError('NotFound', `${action}: ${message}; list again, it is gone`, withCause);
  if (status === 409 && /is not running/i.test(message)) {
    return new RuntimeError('InvalidArgument', `${action}: ${message}; start the container first`, withCause);
  }
  if (status === 409) return new RuntimeError('AlreadyExists', `${action}: ${message}`, withCause);
  return new RuntimeError(fallback, `${action}: ${message}`, withCause);
}
