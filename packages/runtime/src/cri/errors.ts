import { brandError, recogniseByBrand } from '@flotilla/core';

/**
 * What went wrong in a runtime call. `ErrImagePull` and `ImageNotPresent` are
 * the kubelet's own reasons, so the agent can copy them into a container's
 * waiting state unchanged.
 */
export type RuntimeErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'ErrImagePull'
  | 'ImageNotPresent'
  | 'CreateContainerError'
  | 'RunContainerError'
  | 'DeadlineExceeded'
  | 'Unavailable'
  | 'Internal';

/** What a runtime error is about. */
export interface RuntimeErrorDetails {
  image?: string;
  containerId?: string;
  podSandboxId?: string;
  /** The underlying error (from Docker, the filesystem, ...). */
  cause?: unknown;
}

/**
 * The one error type runtimes throw. Switch on `code`; `image`,
 * `containerId` and `podSandboxId` say what it is about, `cause` keeps the
 * backend's own error.
 */
export class RuntimeError extends Error {
  /** The name instances are recognised by in every copy of the package (see core's `brandError`). */
  static readonly brand: string = 'flotilla.RuntimeError';
  readonly image?: string;
  readonly containerId?: string;
  readonly podSandboxId?: string;

  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    details: RuntimeErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    brandError(this, new.target);
    this.name = 'RuntimeError';
    this.image = details.image;
    this.containerId = details.containerId;
    this.podSandboxId = details.podSandboxId;
  }
}
recogniseByBrand(RuntimeError);

/** True if `err` is a RuntimeError with this code. */
export function isRuntimeError(err: unknown, code?: RuntimeErrorCode): err is RuntimeError {
  return err instanceof RuntimeError && (code === undefined || err.code === code);
}
