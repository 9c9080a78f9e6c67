import { ApiError, ForbiddenError } from '../errors/api-errors.js';
import { cloneJson } from '../json/clone-json.js';
import type { KubeObject } from '../model/meta.js';
import type { AdmissionHook, AdmissionRequest } from './types.js';

/**
 * The admission hooks of one Api, split by phase. The Api asks it twice per
 * write: `mutate` before the object is validated a second time, `validate`
 * right before the store write.
 */
export class AdmissionChain {
  private readonly mutating: AdmissionHook[] = [];
  private readonly validating: AdmissionHook[] = [];
  /** Flotilla's own hooks (see `addBuiltin`). */
  private readonly builtin = new WeakSet<AdmissionHook>();

  constructor(hooks: Iterable<AdmissionHook> = []) {
    for (const hook of hooks) this.add(hook);
  }

  /** Adds a hook after those already registered in its phase. */
  add(hook: AdmissionHook): void {
    (hook.phase === 'mutating' ? this.mutating : this.validating).push(hook);
  }

  /**
   * Adds one of Flotilla's own hooks (Priority, RBAC escalation,
   * NodeRestriction) after those already registered in its phase. These keep
   * no reference to the object and set only values they resolved from stored,
   * validated objects, so a write that no other hook sees is neither
   * validated again after them nor copied before the store keeps it: on a
   * Pod of a few thousand entries those two passes cost about as much as the
   * rest of the pipeline (issue 18, `npm run bench -- input`).
   */
  addBuiltin(hook: AdmissionHook): void {
    this.builtin.add(hook);
    this.add(hook);
  }

  /** True when no hook is registered: the write path then skips admission without allocating a request. */
  get empty(): boolean {
    return this.mutating.length === 0 && this.validating.length === 0;
  }

  /** True when no hook applies to `kind` (the built-in Priority hooks apply to Pods and PriorityClasses only). */
  emptyFor(kind: string): boolean {
    const skip = (h: AdmissionHook) => h.kinds !== undefined && !h.kinds.includes(kind);
    return this.mutating.every(skip) && this.validating.every(skip);
  }

  /** True when every hook that applies to `kind` is Flotilla's own (see `addBuiltin`): none can have kept the object. */
  builtinOnlyFor(kind: string): boolean {
    const skip = (h: AdmissionHook) => this.builtin.has(h) || (h.kinds !== undefined && !h.kinds.includes(kind));
    return this.mutating.every(skip) && this.validating.every(skip);
  }

  /**
   * Runs the mutating hooks that apply to `req`, in order; they change
   * `req.object` in place. Returns whether any but Flotilla's own ran, so
   * the caller knows to validate again.
   */
  async mutate(req: AdmissionRequest): Promise<boolean> {
    let ran = false;
    for (const hook of this.mutating) {
      if (!applies(hook, req)) continue;
      await call(hook, req);
      ran ||= !this.builtin.has(hook);
    }
    return ran;
  }

  /**
   * Runs the validating hooks that apply to `req`; all but Flotilla's own
   * see a copy of the object, so none can change what is written.
   */
  async validate(req: AdmissionRequest): Promise<void> {
    let view: AdmissionRequest | undefined;
    for (const hook of this.validating) {
      if (!applies(hook, req)) continue;
      if (this.builtin.has(hook)) {
        await call(hook, req);
        continue;
      }
      view ??= { ...req, object: cloneJson(req.object) as KubeObject };
      await call(hook, view);
    }
  }
}

function applies(hook: AdmissionHook, req: AdmissionRequest): boolean {
  return (
    (!hook.kinds || hook.kinds.includes(req.kind)) && (!hook.operations || hook.operations.includes(req.operation))
  );
}

/** Calls one hook; a plain Error becomes a ForbiddenError in Kubernetes' wording, an ApiError passes through. */
async function call(hook: AdmissionHook, req: AdmissionRequest): Promise<void> {
  try {
    await hook.admit(req);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ForbiddenError(`admission webhook "${hook.name}" denied the request: ${message}`);
  }
}
