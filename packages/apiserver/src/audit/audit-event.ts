import type { UserInfo } from '../auth/types.js';
import type { AuditLevel, AuditStage } from './audit-policy.js';

/** What a request addressed (audit.k8s.io/v1 `ObjectReference`). */
export interface AuditObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

/** One audit record (audit.k8s.io/v1 `Event`), one JSON line in the log. */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: AuditLevel;
  auditID: string;
  stage: AuditStage;
  requestURI: string;
  verb: string;
  user: UserInfo;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: AuditObjectRef;
  responseStatus?: {
    metadata: Record<string, never>;
    code: number;
    status?: string;
    reason?: string;
    message?: string;
  };
  requestObject?: unknown;
  responseObject?: unknown;
  /** RFC 3339 with microseconds. */
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** Where audit events go (kube-apiserver's audit backend). */
export interface AuditSink {
  /** Records one event; it returns at once (a request never waits for its sink). */
  write(event: AuditEvent): void;
}

/** Kubernetes' `MicroTime`: RFC 3339 with six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
