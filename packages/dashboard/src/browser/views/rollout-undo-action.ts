import type { Target } from '../api/actions.js';
import { ApiRefusal } from '../api/api-client.js';
import { askInDialog, notify } from '../ui/dialogs.js';
import { h } from '../ui/dom.js';
import { runAction } from './object-actions.js';
import type { ViewContext } from './view-context.js';

/**
 * `kubectl rollout undo`: reads the Deployment's history, says which
 * revision it would restore, and after the viewer confirms, patches the
 * Deployment back to that revision's template. What kubectl would refuse
 * (no earlier revision, a paused Deployment) or skip (the template already
 * matches) is said without a write; the server's refusal of the patch is
 * shown as it gave it.
 */
export async function undoWithDialog(ctx: ViewContext, t: Target): Promise<void> {
  const name = `${t.namespace}/${t.name}`;
  let plan: Awaited<ReturnType<typeof ctx.actions.planUndo>>;
  try {
    plan = await ctx.actions.planUndo(t);
  } catch (err) {
    notify('refused', err instanceof ApiRefusal ? err.describe() : String(err));
    return;
  }
  if (plan.action === 'refuse') return notify('refused', `Deployment ${name}: ${plan.message}`);
  if (plan.action === 'skip') return notify('ok', `Deployment ${name}: ${plan.message}`);
  const { patch, toRevision, fromRevision } = plan;
  const ok = await askInDialog(
    `Undo the rollout of Deployment ${name}?`,
    [
      h(
        'p',
        {},
        `Roll back from revision ${fromRevision} to revision ${toRevision}: its pod template replaces the current one.`,
      ),
    ],
    'Roll back',
  );
  if (!ok) return;
  await runAction(`Deployment ${name} rolled back to revision ${toRevision}`, () => ctx.actions.undo(t, patch));
}
