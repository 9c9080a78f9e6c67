import type { Deployment } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { rolloutStatusMessage } from '../../src/deployment/deployment-status.js';
import { testDeployment } from '../support/builders.js';

function withStatus(status: Deployment['status'], generation = 1): Deployment {
  const d = testDeployment('web', 5);
  d.metadata.generation = generation;
  d.status = { observedGeneration: 1, ...status };
  return d;
}

describe('rolloutStatusMessage (kubectl rollout status wording)', () => {
  it.each([
    [withStatus({}, 2), false, 'Waiting for deployment spec update to be observed...'],
    [
      withStatus({ updatedReplicas: 2, replicas: 7 }),
      false,
      'Waiting for deployment "web" rollout to finish: 2 out of 5 new replicas have been updated...',
    ],
    [
      withStatus({ updatedReplicas: 5, replicas: 7 }),
      false,
      'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination...',
    ],
    [
      withStatus({ updatedReplicas: 5, replicas: 5, availableReplicas: 2 }),
      false,
      'Waiting for deployment "web" rollout to finish: 2 of 5 updated replicas are available...',
    ],
    [
      withStatus({ updatedReplicas: 5, replicas: 5, availableReplicas: 5 }),
      true,
      'deployment "web" successfully rolled out',
    ],
  ])('%#', (d, done, message) => {
    expect(rolloutStatusMessage(d)).toEqual({ done, failed: false, message });
  });

  it('reports an exceeded progress deadline as failed', () => {
    const d = withStatus({
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    expect(rolloutStatusMessage(d)).toEqual({
      done: false,
      failed: true,
      message: 'deployment "web" exceeded its progress deadline',
    });
  });
});
