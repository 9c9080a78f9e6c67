import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { RoleBinding } from '@flotilla/core';

/** The kubectl on PATH (1.32) as one user (`<dir>/<user>.kubeconfig`), with a fresh cache dir per call. */
export function kubectl(
  dir: string,
  user: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cache = join(dir, `cache-${Math.random().toString(36).slice(2)}`);
  const all = [...args, '--kubeconfig', join(dir, `${user}.kubeconfig`), '--cache-dir', cache];
  return new Promise((resolve) => {
    execFile('kubectl', all, { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const RBAC = 'rbac.authorization.k8s.io';

/** A RoleBinding of ClusterRole `role` in `namespace` to one user (or group). */
export const roleBinding = (
  namespace: string,
  name: string,
  role: string,
  subject: string,
  kind: 'User' | 'Group' = 'User',
): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
  subjects: [{ kind, apiGroup: RBAC, name: subject }],
});
