import { BadRequestError } from '@flotilla/core';

/**
 * A protobuf request body could not be decoded: not Kubernetes' envelope,
 * a kind this server has no descriptor for, truncated or hostile bytes.
 * `path` names where (`Unknown.raw`, `apps/v1 Deployment`). Answered as 400.
 */
export class ProtobufDecodeError extends BadRequestError {
  constructor(
    /** Where decoding failed. */
    readonly path: string,
    detail: string,
  ) {
    super(`protobuf body: ${path}: ${detail}`);
    this.name = 'ProtobufDecodeError';
  }
}
