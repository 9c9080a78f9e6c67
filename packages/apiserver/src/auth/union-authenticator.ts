import type { Authenticator, UserInfo } from './types.js';

type Answer = ReturnType<Authenticator['authenticate']>;

const isPromise = (answer: Answer): answer is Promise<UserInfo | undefined> =>
  typeof (answer as Promise<unknown> | undefined)?.then === 'function';

/**
 * Authenticators tried in order, first match wins (kube-apiserver's
 * authenticator union): one that returns `undefined` passes the request on;
 * one that throws (credentials it recognises but refuses, a 401) ends the
 * chain, so a bad token never falls through to anonymous. Answers without a
 * promise while its members do: a request without credentials passes
 * through every member on each request.
 */
export function unionAuthenticator(authenticators: readonly Authenticator[]): Authenticator {
  const from = (start: number, req: Parameters<Authenticator['authenticate']>[0]): Answer => {
    for (let i = start; i < authenticators.length; i++) {
      const answer = authenticators[i]!.authenticate(req);
      if (isPromise(answer)) return answer.then((user) => user ?? from(i + 1, req));
      if (answer) return answer;
    }
    return undefined;
  };
  return { authenticate: (req) => from(0, req) };
}
