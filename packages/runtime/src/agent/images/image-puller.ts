import type { Clock, Container } from '@flotilla/core';
import { isRuntimeError, RuntimeError } from '../../cri/errors.js';
import type { ImageService } from '../../cri/services.js';
import type { CrashLoopBackoff } from '../crash-loop-backoff.js';

/** Records a kubelet Event about the pod the images are for. */
export type PodEventSink = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** What `PodImagePuller.ensure` decided for one container. */
export type PullOutcome =
  | { ready: true }
  /** Not yet: try again at `retryAt`; `waiting` is the container's new waiting state, if it changed. */
  | { ready: false; retryAt: number; waiting?: { reason: string; message: string } };

/** What a `PodImagePuller` works with. */
export interface PodImagePullerOptions {
  images: ImageService;
  clock: Clock;
  /** Shared by the node's pods; keys are `<podUid>/<container>`. */
  backoff: CrashLoopBackoff;
  podUid: string;
  event: PodEventSink;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The kubelet's image manager for one pod: makes each container's image
 * present as its `imagePullPolicy` says, with the kubelet's pull backoff
 * (10 s doubling to 5 min) and Events (Pulling, Pulled, Failed, BackOff,
 * ErrImageNeverPull).
 *
 * Guarantees: a failed pull is not retried before its backoff ends; the
 * first failure reads ErrImagePull and later ones ImagePullBackOff, as in
 * the kubelet; with `Always`, a failed pull fails even when the image is on
 * the node (as in Kubernetes), and the message then says to use
 * IfNotPresent for images built or loaded locally.
 */
export class PodImagePuller {
  /** Failed pulls by container name and when the next may start; made on the first failure (most pods never fail). */
  private failed?: Map<string, { failures: number; blockedUntil: number }>;

  constructor(private readonly options: PodImagePullerOptions) {}

  /** Whether a pull has failed: a puller that never failed holds no state and may be dropped between pulls. */
  get hasFailed(): boolean {
    return this.failed !== undefined;
  }

  /** Makes the image of `spec` present, or says when to try again. */
  async ensure(spec: Container): Promise<PullOutcome> {
    const { clock, backoff, podUid, event } = this.options;
    const now = clock.now();
    const blockedUntil = this.failed?.get(spec.name)?.blockedUntil;
    if (blockedUntil !== undefined && now < blockedUntil) {
      event('Normal', 'BackOff', `Back-off pulling image "${spec.image}"`);
      return { ready: false, retryAt: blockedUntil };
    }
    try {
      await this.pull(spec);
      const failed = this.failed?.get(spec.name);
      if (failed) failed.blockedUntil = 0;
      return { ready: true };
    } catch (err) {
      const failures = (this.failed?.get(spec.name)?.failures ?? 0) + 1;
      const retryAt = backoff.restartAt(`${podUid}/${spec.name}`, `pull-${failures}`, now, now);
      this.failed ??= new Map();
      this.failed.set(spec.name, { failures, blockedUntil: retryAt });
      const neverPull = isRuntimeError(err, 'ImageNotPresent');
      const reason = neverPull ? 'ErrImageNeverPull' : failures === 1 ? 'ErrImagePull' : 'ImagePullBackOff';
      if (!neverPull) event('Warning', 'Failed', `Failed to pull image "${spec.image}": ${messageOf(err)}`);
      event('Warning', 'Failed', `Error: ${reason}`);
      return { ready: false, retryAt, waiting: { reason, message: messageOf(err) } };
    }
  }

  private async pull(spec: Container): Promise<void> {
    const { images, clock, event } = this.options;
    const image = spec.image;
    const policy = spec.imagePullPolicy ?? 'IfNotPresent';
    const present = await images.imageStatus({ image });
    if (policy === 'Never' && !present) {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      event('Warning', 'ErrImageNeverPull', message);
      throw new RuntimeError('ImageNotPresent', `${message}; load the image on the node or change imagePullPolicy`, {
        image,
      });
    }
    if (policy !== 'Always' && present) {
      event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return;
    }
    event('Normal', 'Pulling', `Pulling image "${image}"`);
    const started = clock.now();
    try {
      await images.pullImage({ image });
    } catch (err) {
      if (!present || !isRuntimeError(err, 'ErrImagePull')) throw err;
      throw new RuntimeError(
        'ErrImagePull',
        `${err.message}; the image is present on this node but imagePullPolicy is Always (the default for a ":latest" or untagged image): for an image built or loaded locally, set imagePullPolicy: IfNotPresent`,
        { image, cause: err },
      );
    }
    event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${(clock.now() - started) / 1000}s`);
  }
}
