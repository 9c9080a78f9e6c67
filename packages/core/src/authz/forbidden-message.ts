import type { AuthorizationAttributes } from './types.js';

/** `pods/status` or `pods`: how Kubernetes names a resource in messages and rules. */
export const combinedResource = (a: Pick<AuthorizationAttributes, 'resource' | 'subresource'>): string =>
  a.subresource ? `${a.resource}/${a.subresource}` : a.resource;

/**
 * A refusal as kube-apiserver words it, e.g. `pods "x" is forbidden: User
 * "u" cannot create resource "pods" in API group "" in the namespace
 * "default"` (kubectl prints it after `Error from server (Forbidden): `).
 */
export function forbiddenMessage(a: AuthorizationAttributes, reason = ''): string {
  if (!a.resourceRequest) {
    return `forbidden: User "${a.user.username}" cannot ${a.verb} path "${a.path}"${reason ? `: ${reason}` : ''}`;
  }
  const group = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const subject = `${group}${a.name ? ` "${a.name}"` : ''} is forbidden`;
  const scope = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  const what = `User "${a.user.username}" cannot ${a.verb} resource "${combinedResource(a)}" in API group "${a.apiGroup}"${scope}`;
  return `${subject}: ${what}${reason ? `: ${reason}` : ''}`;
}
