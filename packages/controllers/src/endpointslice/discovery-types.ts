import type { BuiltinKinds } from '@flotilla/core';

/**
 * The discovery.k8s.io/v1 types, reached through core's `BuiltinKinds`
 * because core's model index does not re-export `discovery-v1.ts` (yet).
 */
export type EndpointSlice = BuiltinKinds['EndpointSlice'];
/** One backend in an EndpointSlice. */
export type Endpoint = EndpointSlice['endpoints'][number];
/** A port of the endpoints in a slice. */
export type EndpointPort = NonNullable<EndpointSlice['ports']>[number];
