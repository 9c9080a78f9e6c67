import type { Pod } from '@flotilla/core';
import type { Target } from '../api/actions.js';
import { deleteWithDialog, editYaml } from './object-actions.js';
import { showLogs } from './pod-logs.js';
import { showShell } from './pod-shell.js';
import type { ViewContext } from './view-context.js';

/** Something the viewer can do with one pod, offered on its row. */
export interface PodAction {
  label: string;
  run(ctx: ViewContext, target: Target, pod: Pod): void;
}

/** The actions on a pod's row, in order. */
export const podActions: PodAction[] = [
  { label: 'Logs', run: (ctx, _t, pod) => showLogs(ctx, pod) },
  { label: 'Shell', run: (ctx, _t, pod) => showShell(ctx, pod) },
  { label: 'YAML', run: (ctx, t) => void editYaml(ctx, t) },
  { label: 'Delete', run: (ctx, t) => void deleteWithDialog(ctx, t) },
];
