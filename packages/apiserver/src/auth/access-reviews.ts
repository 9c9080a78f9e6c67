import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AuthorizationAttributes,
  type Authorizer,
  escalationPolicyOf,
  InvalidError,
  type PolicyRule,
  type RuleResolver,
  type UserInfo,
} from '@flotilla/core';
import { HttpStatusError } from '../errors/http-status-error.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from '../protobuf/index.js';
import { parseJsonObject, readBody } from '../rest/body.js';
import { writeJson } from '../server/respond.js';

const GROUP = 'authorization.k8s.io';
const API_VERSION = `${GROUP}/v1`;
const REVIEWS = {
  selfsubjectaccessreviews: 'SelfSubjectAccessReview',
  subjectaccessreviews: 'SubjectAccessReview',
  selfsubjectrulesreviews: 'SelfSubjectRulesReview',
} as const;
type Review = keyof typeof REVIEWS;

/** The request path parts an access review is served for. */
export interface AccessReviewTarget {
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  verb: string;
}

/** Whether a request is a POST of one of the `authorization.k8s.io/v1` reviews this server answers itself. */
export function isAccessReview(info: AccessReviewTarget): boolean {
  return (
    info.apiGroup === GROUP &&
    info.apiVersion === 'v1' &&
    info.resource in REVIEWS &&
    info.subresource === '' &&
    info.namespace === '' &&
    info.name === ''
  );
}

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** The attributes of a review's `spec` (`resourceAttributes` or `nonResourceAttributes`), for `user`. */
function reviewAttributes(kind: string, spec: Json, user: UserInfo): AuthorizationAttributes {
  const resource = obj(spec.resourceAttributes);
  const nonResource = obj(spec.nonResourceAttributes);
  if (resource) {
    return {
      user,
      verb: str(resource.verb),
      resourceRequest: true,
      apiGroup: str(resource.group),
      apiVersion: str(resource.version),
      resource: str(resource.resource),
      subresource: str(resource.subresource),
      namespace: str(resource.namespace),
      name: str(resource.name),
      path: '',
    };
  }
  if (nonResource) {
    return {
      user,
      verb: str(nonResource.verb),
      resourceRequest: false,
      apiGroup: '',
      apiVersion: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
      path: str(nonResource.path),
    };
  }
  throw new InvalidError(kind, '', [
    {
      field: 'spec.resourceAttributes',
      message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    },
  ]);
}

function subjectOf(spec: Json): UserInfo {
  const username = str(spec.user);
  const groups = strings(spec.groups);
  if (!username && !groups.length) {
    throw new InvalidError('SubjectAccessReview', '', [
      { field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' },
    ]);
  }
  const extra = obj(spec.extra);
  return {
    username,
    groups,
    ...(str(spec.uid) ? { uid: str(spec.uid) } : {}),
    // JSON carries extra values as lists; protobuf as ExtraValue { items }.
    ...(extra
      ? { extra: Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, strings(obj(v)?.items ?? v)])) }
      : {}),
  };
}

/** `SubjectRulesReviewStatus` from the rules a resolver lists, as kube-apiserver's RBAC reports them. */
function rulesStatus(resolver: RuleResolver | undefined, user: UserInfo, namespace: string): Json {
  if (!resolver) {
    return {
      resourceRules: [],
      nonResourceRules: [],
      incomplete: true,
      evaluationError: 'no authorizer of this server lists rules',
    };
  }
  const rules: PolicyRule[] = resolver.rulesFor(user, namespace);
  return {
    resourceRules: rules
      .filter((r) => r.resources?.length)
      .map((r) => ({
        verbs: r.verbs,
        apiGroups: r.apiGroups ?? [],
        resources: r.resources ?? [],
        ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
      })),
    nonResourceRules: rules
      .filter((r) => r.nonResourceURLs?.length)
      .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs ?? [] })),
    incomplete: false,
  };
}

/**
 * Answers `POST /apis/authorization.k8s.io/v1/{selfsubjectaccessreviews,
 * subjectaccessreviews,selfsubjectrulesreviews}` (what `kubectl auth
 * can-i` and `can-i --list` send): whether the requester (or the review's
 * subject) may do what the spec describes, decided by the server's
 * authorizer chain, or the rules it holds in a namespace. Nothing is
 * stored; the review comes back with its `status`, 201.
 */
export async function serveAccessReview(
  req: IncomingMessage,
  res: ServerResponse,
  resource: string,
  authorizer: Authorizer,
  bodyLimit: number,
  /** Who sent the review (after impersonation): the subject of the self reviews. */
  requester: UserInfo,
): Promise<void> {
  if (req.method !== 'POST')
    throw new HttpStatusError(405, 'MethodNotAllowed', `${req.method} is not supported on ${resource}`);
  // kubectl's typed client posts reviews as protobuf.
  const body = await readBody(req, bodyLimit);
  const protobuf = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
  const review = protobuf ? decodeProtobufObject(body) : parseJsonObject(body);
  const kind = REVIEWS[resource as Review];
  if (review.kind !== undefined && review.kind !== kind) {
    throw new HttpStatusError(400, 'BadRequest', `the body is a ${str(review.kind)}, not a ${kind}`);
  }
  const spec = obj(review.spec) ?? {};
  const user = resource === 'subjectaccessreviews' ? subjectOf(spec) : requester;
  let status: Json;
  if (resource === 'selfsubjectrulesreviews') {
    status = rulesStatus(escalationPolicyOf(authorizer), user, str(spec.namespace));
  } else {
    const decision = await authorizer.authorize(reviewAttributes(kind, spec, user));
    status = {
      allowed: decision.decision === 'Allow',
      ...(decision.decision === 'Deny' ? { denied: true } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
    };
  }
  const metadata = { ...(obj(review.metadata) ?? {}), creationTimestamp: null };
  writeJson(res, 201, { kind, apiVersion: API_VERSION, metadata, spec, status });
}
