import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ExpiredError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
} from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { HttpStatusError, statusFromError } from '../../src/index.js';

const target = { resource: 'deployments.apps', namespace: 'default', name: 'web' };

describe('statusFromError: every failure as a Kubernetes Status', () => {
  it.each([
    [
      new NotFoundError(target),
      404,
      'NotFound',
      'deployments.apps "web" not found',
      { name: 'web', group: 'apps', kind: 'deployments' },
    ],
    [
      new AlreadyExistsError(target),
      409,
      'AlreadyExists',
      'deployments.apps "web" already exists',
      { name: 'web', group: 'apps', kind: 'deployments' },
    ],
    [
      new ConflictError(target),
      409,
      'Conflict',
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
      { name: 'web', group: 'apps', kind: 'deployments' },
    ],
    [new ExpiredError('5', '100'), 410, 'Expired', undefined, undefined],
    [new ForbiddenError('no'), 403, 'Forbidden', 'no', undefined],
    [new BadRequestError('bad selector'), 400, 'BadRequest', 'bad selector', undefined],
    [
      new HttpStatusError(429, 'TooManyRequests', 'slow down', 1),
      429,
      'TooManyRequests',
      'slow down',
      { retryAfterSeconds: 1 },
    ],
  ])('%s -> %i %s', (err, code, reason, message, details) => {
    const status = statusFromError(err);
    expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
    if (message !== undefined) expect(status.message).toBe(message);
    if (details !== undefined) expect(status.details).toEqual(details);
  });

  it('422 Invalid carries one cause per field with its Kubernetes cause reason', () => {
    const err = new InvalidError('Pod', 'web', [
      { field: 'spec.containers[0].image', message: 'Required value' },
      { field: 'metadata.name', message: 'Invalid value: "Web": must be lower case' },
      { field: 'spec.restartPolicy', message: 'Unsupported value: "Sometimes": supported values: "Always"' },
    ]);
    expect(statusFromError(err).details?.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: "Web": must be lower case', field: 'metadata.name' },
      {
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "Sometimes": supported values: "Always"',
        field: 'spec.restartPolicy',
      },
    ]);
  });

  it('anything else is a 500 that says nothing about the failure', () => {
    const status = statusFromError(new TypeError('secret internals at /srv/app.ts:12'));
    expect(status).toMatchObject({ code: 500, reason: 'InternalError' });
    expect(JSON.stringify(status)).not.toContain('secret');
  });
});
