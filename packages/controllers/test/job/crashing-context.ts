import type { Api, ResourceClient } from '@flotilla/core';
import type { ControllerContext } from '../../src/controller-context/controller-context.js';

/** Which writes of a crashing controller fail, as if its process died right before them. */
export interface Crash {
  /** Every pod update (so no finalizer can be removed). */
  podUpdates?: boolean;
  /** Job status writes after the first `after` of them succeeded. */
  jobStatusAfter?: number;
}

/** A copy of `client` whose method `method` rejects while `failing()` says so. */
function failing<T extends object>(client: T, method: string, failingNow: () => boolean): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === method) {
        return (...args: unknown[]) =>
          failingNow() ? Promise.reject(new Error('controller crashed')) : value.apply(target, args);
      }
      return value.bind(target);
    },
  });
}

/** The cluster's controller context with an Api whose writes fail as `crash` says. */
export function crashingContext(ctx: ControllerContext, crash: Crash): ControllerContext {
  let statusWrites = 0;
  const api = new Proxy(ctx.api, {
    get(target, prop, receiver) {
      if (prop !== 'resource') {
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (kind: string) => {
        const client: ResourceClient = target.resource(kind);
        if (kind === 'Pod' && crash.podUpdates) return failing(client, 'update', () => true);
        if (kind === 'Job' && crash.jobStatusAfter !== undefined) {
          return failing(client, 'updateStatus', () => statusWrites++ >= (crash.jobStatusAfter ?? 0));
        }
        return client;
      };
    },
  }) as Api;
  return { ...ctx, api };
}
