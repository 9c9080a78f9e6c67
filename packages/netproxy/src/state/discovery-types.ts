import type { BuiltinKinds } from '@flotilla/core';

/**
 * The EndpointSlice shape (discovery.k8s.io/v1), taken from core's kind map
 * because core's model index does not re-export `discovery-v1.ts` yet.
 */
export type EndpointSlice = BuiltinKinds['EndpointSlice'];
