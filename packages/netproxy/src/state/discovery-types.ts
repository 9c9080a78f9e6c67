/** The EndpointSlice shape (discovery.k8s.io/v1), re-exported so netproxy users can import it with the generators. */
export type { EndpointSlice } from '@flotilla/core';
