/** Value sets of core/v1 enums that several kinds share, so each list is written once. */

/** Transport protocols of container, service and endpoint ports. */
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** What a taint does to pods that do not tolerate it (node taints, pod tolerations). */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
