import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '@flotilla/core';
import type { AuthorizationAttributes } from '../auth/types.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from '../protobuf/kubernetes-protobuf.js';
import { requestBodyOf } from '../rest/body.js';
import { type AuditEvent, type AuditObjectRef, type AuditSink, microTime } from './audit-event.js';
import { type AuditPolicy, type AuditStage, auditLevelOf } from './audit-policy.js';

/** The ApiServer's `audit` option: the policy (`--audit-policy-file`) and where events go (`--audit-log-path`). */
export interface AuditOptions {
  policy: AuditPolicy;
  sink: AuditSink;
}

/** A request being audited: what later filters add to its events. */
export interface AuditedRequest {
  /** Adds an annotation to the events still to come (kube-apiserver's `audit.AddAuditAnnotation`). */
  annotate(key: string, value: string): void;
}

/** The client's addresses as kube-apiserver lists them: X-Forwarded-For, X-Real-Ip, then the peer. */
function sourceIPs(req: IncomingMessage): string[] {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const real = req.headers['x-real-ip'];
  const peer = req.socket.remoteAddress;
  return [...new Set([...forwarded, ...(typeof real === 'string' ? [real] : []), ...(peer ? [peer] : [])])];
}

function objectRefOf(a: AuthorizationAttributes): AuditObjectRef | undefined {
  if (!a.resourceRequest) return undefined;
  const ref: AuditObjectRef = { resource: a.resource };
  if (a.namespace) ref.namespace = a.namespace;
  if (a.name) ref.name = a.name;
  ref.apiGroup = a.apiGroup;
  ref.apiVersion = a.apiVersion;
  if (a.subresource) ref.subresource = a.subresource;
  return ref;
}

function parsed(body: Buffer | undefined, contentType: string | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  try {
    if (contentType?.startsWith(PROTOBUF_CONTENT_TYPE)) return decodeProtobufObject(body);
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Collects what the response writes, to audit its Status or (RequestResponse) its object. */
function captureResponse(res: ServerResponse): () => Buffer {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') keep(chunk);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
  return () => Buffer.concat(chunks);
}

/**
 * Audits one request as kube-apiserver's audit filter does: the first
 * matching rule of the policy sets the level; at `Metadata` and above a
 * `RequestReceived` event is written at once, `ResponseStarted` when a
 * watch's headers go out, and `ResponseComplete` when the response ends
 * (with its status code, and the Status' reason and message on failure);
 * `Request` adds the request body as `requestObject`, `RequestResponse` the
 * answer as `responseObject` (not for watches). Stages the policy omits are
 * not written. The response carries the event's `Audit-Id` header.
 * Returns the handle later filters annotate through (the authorizer's
 * decision), or `undefined` when the request is not audited.
 */
export function auditRequest(
  audit: AuditOptions,
  clock: Clock,
  req: IncomingMessage,
  res: ServerResponse,
  a: AuthorizationAttributes,
): AuditedRequest | undefined {
  const { level, omitStages } = auditLevelOf(audit.policy, a);
  if (level === 'None') return undefined;
  const annotations: Record<string, string> = {};
  const given = req.headers['audit-id'];
  const auditID = typeof given === 'string' && given ? given : randomUUID();
  res.setHeader('Audit-Id', auditID);
  const base = {
    kind: 'Event' as const,
    apiVersion: 'audit.k8s.io/v1' as const,
    level,
    auditID,
    requestURI: req.url ?? '/',
    verb: a.verb,
    user: a.user,
    sourceIPs: sourceIPs(req),
    ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    ...(a.resourceRequest ? { objectRef: objectRefOf(a) } : {}),
    requestReceivedTimestamp: microTime(clock.now()),
  };
  const emit = (stage: AuditStage, extra: Partial<AuditEvent> = {}) => {
    if (omitStages.includes(stage)) return;
    const annotated = Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {};
    audit.sink.write({ ...base, stage, ...extra, stageTimestamp: microTime(clock.now()), ...annotated });
  };
  emit('RequestReceived');
  const watch = a.verb === 'watch';
  if (watch) {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((code: number, ...rest: unknown[]) => {
      emit('ResponseStarted', { responseStatus: { metadata: {}, code } });
      return writeHead(code, ...rest);
    }) as ServerResponse['writeHead'];
  }
  const written = watch ? () => Buffer.alloc(0) : captureResponse(res);
  res.once('close', () => {
    const code = res.statusCode;
    const answer = parsed(written(), String(res.getHeader('content-type') ?? 'application/json')) as
      | { kind?: string; status?: string; reason?: string; message?: string; metadata?: { name?: string } }
      | undefined;
    const failed = answer?.kind === 'Status' && answer.status === 'Failure';
    const responseStatus = failed
      ? { metadata: {}, code, status: 'Failure', reason: answer.reason, message: answer.message }
      : { metadata: {}, code };
    const objectRef =
      base.objectRef && !base.objectRef.name && answer?.metadata?.name && !failed && a.verb === 'create'
        ? { ...base.objectRef, name: answer.metadata.name }
        : base.objectRef;
    const requestObject = level !== 'Metadata' ? parsed(requestBodyOf(req), req.headers['content-type']) : undefined;
    emit('ResponseComplete', {
      ...(objectRef ? { objectRef } : {}),
      responseStatus,
      ...(requestObject !== undefined ? { requestObject } : {}),
      ...(level === 'RequestResponse' && answer !== undefined ? { responseObject: answer } : {}),
    } as Partial<AuditEvent>);
  });
  return {
    annotate: (key, value) => {
      annotations[key] = value;
    },
  };
}
