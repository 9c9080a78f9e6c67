/** The private `kubernetes.io` claim of a bound service account token (Kubernetes' `privateClaims`). */
export interface KubernetesTokenClaim {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  /** The node a bound pod runs on (Kubernetes 1.30+ `ServiceAccountTokenPodNodeInfo`); informational. */
  node?: { name: string; uid: string };
  secret?: { name: string; uid: string };
}

/** Who a verified token speaks for, and what it is bound to. */
export interface ServiceAccountTokenClaims {
  /** `system:serviceaccount:<namespace>:<name>`. */
  subject: string;
  issuer: string;
  audiences: string[];
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** The token's unique id (`jti`). */
  id: string;
  kubernetes: KubernetesTokenClaim;
}

/** `system:serviceaccount:<namespace>:<name>`: the username of a service account. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The groups Kubernetes gives a service account's requests. */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
}
