/** The label naming the Service an EndpointSlice belongs to. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The label naming the controller that manages an EndpointSlice. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** This controller's `managed-by` value, Kubernetes' own, so tools that look for it find our slices. */
export const MANAGED_BY_VALUE = 'endpointslice-controller.k8s.io';
/** Kubernetes' `--max-endpoints-per-slice` default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
