import type { Pod } from '@flotilla/core';
import type { Target } from '../api/actions.js';
import { deleteWithDialog, editYaml } from './object-actions.js';
import type { ViewContext } from './view-context.js';

/** Something the viewer can do with one pod, offered on its row. */
export interface PodAction {
  label: string;
  run(ctx: ViewContext, target: Target, pod: Pod): void;
}

/**
 * The actions on a pod's row, in order. This list is the hook for what
 * needs the node endpoints: a `Logs` (follow) and an `Exec` action join it
 * once `pods/log` and `pods/exec` are served, each opening its own dialog.
 */
export const podActions: PodAction[] = [
  { label: 'YAML', run: (ctx, t) => void editYaml(ctx, t) },
  { label: 'Delete', run: (ctx, t) => void deleteWithDialog(ctx, t) },
];
