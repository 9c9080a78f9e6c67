import type { PodInfo } from '../../cache/pod-info.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { FrameworkHandle } from '../../framework/handle.js';
import type { BindPlugin } from '../../framework/plugin.js';
import { Status } from '../../framework/status.js';

/** Name of the DefaultBinder plugin. */
export const DefaultBinderName = 'DefaultBinder';

/** Binds through the client (the Api's pod binding: `spec.nodeName` + PodScheduled=True, atomically). */
export class DefaultBinder implements BindPlugin {
  readonly name = DefaultBinderName;

  constructor(private readonly handle: FrameworkHandle) {}

  async bind(_state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    try {
      await this.handle.client.bindPod(pod.pod, nodeName);
      return Status.success();
    } catch (err) {
      return Status.error(err);
    }
  }
}

/** Factory for the registry. */
export const newDefaultBinder = (_args: unknown, handle: FrameworkHandle): DefaultBinder => new DefaultBinder(handle);
