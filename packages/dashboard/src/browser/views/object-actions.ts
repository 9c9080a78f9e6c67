import type { KubeObject } from '@flotilla/core';
import { parse, stringify } from 'yaml';
import type { Target } from '../api/actions.js';
import { ApiRefusal } from '../api/api-client.js';
import { askInDialog, notify } from '../ui/dialogs.js';
import { h } from '../ui/dom.js';
import type { ViewContext } from './view-context.js';

/** Runs one action and says how it went: the server's refusal word for word, or what was done. */
export async function runAction(done: string, action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    notify('ok', done);
    return true;
  } catch (err) {
    notify('refused', err instanceof ApiRefusal ? err.describe() : String(err));
    return false;
  }
}

const label = (t: Target) => `${t.kind.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
const focusKey = (action: string, t: Target) => `${action}:${t.kind.kind}:${t.namespace ?? ''}/${t.name}`;

/** A button that keeps its focus across live updates and names its object for screen readers. */
export function actionButton(action: string, t: Target, onclick: () => void): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'action',
      'data-focus-key': focusKey(action, t),
      'aria-label': `${action} ${label(t)}`,
      onclick,
    },
    action,
  );
}

/** Asks for a replica count, then scales through the `scale` subresource. */
export async function scaleWithDialog(ctx: ViewContext, t: Target, current: number): Promise<void> {
  const data = await askInDialog(
    `Scale ${label(t)}`,
    [
      h(
        'label',
        {},
        'Replicas ',
        h('input', { name: 'replicas', type: 'number', min: 0, value: current, required: true, autofocus: true }),
      ),
    ],
    'Scale',
  );
  if (!data) return;
  const replicas = Number(data.get('replicas'));
  await runAction(`${label(t)} scaled to ${replicas}`, () => ctx.actions.scale(t, replicas));
}

/** Asks before deleting. */
export async function deleteWithDialog(ctx: ViewContext, t: Target): Promise<void> {
  const data = await askInDialog(`Delete ${label(t)}?`, [h('p', {}, 'This cannot be undone.')], 'Delete');
  if (data) await runAction(`${label(t)} deleted`, () => ctx.actions.delete(t));
}

/** What the editor shows: the object as stored, without the server's bookkeeping that an apply must not carry. */
export function editableManifest(obj: KubeObject): string {
  const { managedFields: _managed, ...metadata } = obj.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return stringify({ ...obj, metadata });
}

/**
 * The YAML view and editor: the object fetched fresh, shown as YAML; saving
 * sends it as a server-side apply (`kubectl apply --server-side`). A
 * conflict with another field manager comes back as the server's 409; tick
 * "force" to take the fields over, as `--force-conflicts` does.
 */
export async function editYaml(ctx: ViewContext, t: Target): Promise<void> {
  let obj: KubeObject;
  try {
    obj = await ctx.actions.get(t);
  } catch (err) {
    notify('refused', err instanceof ApiRefusal ? err.describe() : String(err));
    return;
  }
  const data = await askInDialog(
    `YAML of ${label(t)}`,
    [
      h(
        'label',
        { class: 'yaml-label' },
        'Manifest',
        h('textarea', { name: 'manifest', class: 'yaml', rows: 24, spellcheck: 'false' }, editableManifest(obj)),
      ),
      h('label', {}, h('input', { type: 'checkbox', name: 'force' }), ' Force: take over fields other managers own'),
    ],
    'Apply (server-side)',
  );
  if (!data) return;
  const manifest = String(data.get('manifest'));
  try {
    parse(manifest);
  } catch (err) {
    notify('refused', `not applied, the YAML does not parse: ${(err as Error).message}`);
    return;
  }
  await runAction(`${label(t)} applied`, () => ctx.actions.apply(t, manifest, data.get('force') === 'on'));
}
