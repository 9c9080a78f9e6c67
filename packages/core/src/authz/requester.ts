import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserInfo } from './types.js';

const requesters = new AsyncLocalStorage<UserInfo>();

/**
 * Runs `work` on behalf of `user`: the Api's writes made within it (and
 * their admission hooks) know who asked. `api.as(user)` and the apiserver
 * use it, so RBAC's escalation check sees the same user either way.
 */
export function runAsRequester<T>(user: UserInfo, work: () => T): T {
  return requesters.run(user, work);
}

/** The user the current call is made for, or `undefined` for the Api's own (trusted) callers. */
export function currentRequester(): UserInfo | undefined {
  return requesters.getStore();
}
