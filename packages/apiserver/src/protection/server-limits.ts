import { DEFAULT_MAX_INPUT_ENTRIES } from '@flotilla/core';
import { MAX_REQUEST_BODY_BYTES } from '../rest/body.js';

/** The server's protection limits; kube-apiserver's defaults where it has one. */
export interface ServerLimits {
  /** Mutating requests (create, update, patch, delete) served at once; more get 429. kube-apiserver: 200. */
  maxMutatingInFlight: number;
  /** Read-only requests (get, list, discovery) served at once; more get 429. kube-apiserver: 400. */
  maxReadOnlyInFlight: number;
  /** Open watches; counted apart from the limits above, as long-running requests. */
  maxWatches: number;
  /** Largest request body. kube-apiserver: 3 MiB. */
  maxBodyBytes: number;
  /**
   * Most entries (object members and list items, at any depth) a JSON object
   * or patch body may hold, counted on its text before it is parsed; more
   * get a 422 Invalid Status naming the object or list where the count
   * passed it. A YAML server-side apply body gets a fortieth of this, and
   * at most 256 KiB (the yaml library costs about 40 times as much per entry). Default `DEFAULT_MAX_INPUT_ENTRIES` (16,000), the Api's
   * own `maxInputEntries`. kube-apiserver has no such limit: it serves each
   * request on its own goroutine, where Node serves all on one event loop.
   */
  maxBodyEntries: number;
  /** A request (other than a watch) not answered by then gets a 504 Timeout Status. kube-apiserver: 60 s. */
  requestTimeoutMs: number;
  /** Time a client may take to send its headers (slow-loris defence). */
  headersTimeoutMs: number;
  /** Time a client may take to send its whole request, body included. */
  requestReceiveTimeoutMs: number;
  /** Seconds a client shed with 429 is told to wait (`Retry-After`). kube-apiserver: 1. */
  retryAfterSeconds: number;
}

/** kube-apiserver's defaults, with 10 s to send headers and 60 s to send a request. */
export const defaultServerLimits: ServerLimits = Object.freeze({
  maxMutatingInFlight: 200,
  maxReadOnlyInFlight: 400,
  maxWatches: 10_000,
  maxBodyBytes: MAX_REQUEST_BODY_BYTES,
  maxBodyEntries: DEFAULT_MAX_INPUT_ENTRIES,
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  requestReceiveTimeoutMs: 60_000,
  retryAfterSeconds: 1,
});
