import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConflictError,
  ExpiredError,
  ForbiddenError,
  InternalError,
  InvalidError,
  isReason,
  NotFoundError,
  TimeoutError,
  TooManyRequestsError,
} from '../../src/errors/api-errors.js';
import { errorFromStatus } from '../../src/remote/status-error.js';

const status = (code: number, reason: string, message: string, details?: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details ? { details } : {}),
  code,
});

/**
 * Status bodies as kube-apiserver answers them (the shapes of `metav1.Status`
 * in the Kubernetes API reference and in `k8s.io/apimachinery/pkg/api/errors`:
 * the `details.kind` of a NotFound is the resource, of an Invalid the kind).
 */
const cases = [
  {
    name: 'NotFound names the resource and object',
    code: 404,
    body: status(404, 'NotFound', 'pods "nope" not found', { name: 'nope', kind: 'pods' }),
    type: NotFoundError,
    message: 'pods "default/nope" not found',
  },
  {
    name: 'AlreadyExists',
    code: 409,
    body: status(409, 'AlreadyExists', 'pods "web" already exists', { name: 'web', kind: 'pods' }),
    type: AlreadyExistsError,
    message: 'pods "default/web" already exists',
  },
  {
    name: 'Conflict keeps the server detail and the group',
    code: 409,
    body: status(
      409,
      'Conflict',
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
      { name: 'web', group: 'apps', kind: 'deployments' },
    ),
    type: ConflictError,
    message:
      'Operation cannot be fulfilled on deployments.apps "default/web": the object has been modified; please apply your changes to the latest version and try again',
  },
  {
    name: 'Invalid lists one field error per cause',
    code: 422,
    body: status(
      422,
      'Invalid',
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      {
        name: 'web',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: -1: must be greater than or equal to 0',
            field: 'spec.replicas',
          },
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' },
        ],
      },
    ),
    type: InvalidError,
    message:
      'Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers: Required value',
  },
  {
    name: 'Expired (410) from a watch',
    code: 410,
    body: status(410, 'Expired', 'too old resource version: 12 (40)'),
    type: ExpiredError,
    message: 'too old resource version: 12; list again to get a fresh revision',
  },
  {
    name: 'Forbidden keeps the authorizer message',
    code: 403,
    body: status(
      403,
      'Forbidden',
      'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"',
      { kind: 'pods' },
    ),
    type: ForbiddenError,
    message:
      'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"',
  },
  {
    name: 'Unauthorized (no reason of its own in core) is Forbidden',
    code: 401,
    body: status(401, 'Unauthorized', 'Unauthorized'),
    type: ForbiddenError,
    message: 'Unauthorized: Unauthorized',
  },
  {
    name: 'an eviction refused by a budget is TooManyRequests with the cause',
    code: 429,
    body: status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [
        { reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' },
      ],
    }),
    type: TooManyRequestsError,
    message:
      "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web needs 2 healthy pods and has 2 currently",
  },
  {
    name: 'Timeout (504)',
    code: 504,
    body: status(
      504,
      'Timeout',
      'Timeout: request did not complete within requested timeout - context deadline exceeded',
    ),
    type: TimeoutError,
    message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
  },
  {
    name: 'a 502 from a proxy with a text body is read by its code',
    code: 502,
    body: 'Bad Gateway',
    type: InternalError,
    message: 'Bad Gateway',
  },
  {
    name: 'a 404 without a Status body is NotFound all the same',
    code: 404,
    body: '404 page not found',
    type: NotFoundError,
    message: 'pods "default/nope" not found',
  },
];

describe('errorFromStatus: core typed errors from Kubernetes Status bodies', () => {
  it.each(cases)('$name', ({ code, body, type, message }) => {
    const err = errorFromStatus(
      code,
      body,
      { resource: 'pods', namespace: 'default', name: 'nope' },
      {
        resourceVersion: '12',
      },
    );
    expect(err).toBeInstanceOf(type);
    expect(err.message).toBe(message);
    expect(isReason(err, err.reason)).toBe(true);
  });

  it('Invalid carries the fields by path', () => {
    const err = errorFromStatus(422, cases[3]!.body, { resource: 'deployments.apps', name: 'web' }) as InvalidError;
    expect(err.fields).toEqual([
      { field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' },
      { field: 'spec.template.spec.containers', message: 'Required value' },
    ]);
  });
});
