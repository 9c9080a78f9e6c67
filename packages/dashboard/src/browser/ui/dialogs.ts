import { type Child, h } from './dom.js';

/**
 * Shows a modal dialog (the browser's `<dialog>`: focus moves in, Escape
 * closes it, focus returns after) and resolves with what the viewer chose:
 * the form's values on submit, undefined on cancel.
 */
export function askInDialog(title: string, body: Child[], submitLabel: string): Promise<FormData | undefined> {
  // Cancel is a plain button, so that Enter in a field submits with the action's button (a form's implicit
  // submission takes its first submit button).
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', {}, title),
    body,
    h(
      'div',
      { class: 'dialog-buttons' },
      cancel,
      h('button', { type: 'submit', value: 'ok', class: 'primary' }, submitLabel),
    ),
  );
  const dialog = h('dialog', { 'aria-label': title }, form);
  cancel.addEventListener('click', () => dialog.close('cancel'));
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const data = dialog.returnValue === 'ok' ? new FormData(form) : undefined;
      dialog.remove();
      resolve(data);
    });
    dialog.showModal();
  });
}

/** The page's live region for outcomes of actions: refusals are shown word for word as the server gave them. */
export function notify(kind: 'ok' | 'refused', text: string): void {
  const region = document.getElementById('notices');
  if (!region) return;
  const note = h(
    'div',
    { class: `notice ${kind}`, role: kind === 'refused' ? 'alert' : 'status' },
    h('span', {}, text),
    h('button', { type: 'button', 'aria-label': 'Dismiss', onclick: () => note.remove() }, '×'),
  );
  region.prepend(note);
  while (region.children.length > 5) region.lastElementChild?.remove();
}

/**
 * A modal dialog that shows something live (a log, a shell) until the
 * viewer closes it (the Close button or Escape); `closed` resolves then,
 * and the dialog is gone from the page.
 */
export function openPanel(title: string, body: Child[]): { dialog: HTMLDialogElement; closed: Promise<void> } {
  const close = h('button', { type: 'button' }, 'Close');
  const dialog = h(
    'dialog',
    { 'aria-label': title, class: 'panel' },
    h('h2', {}, title),
    body,
    h('div', { class: 'dialog-buttons' }, close),
  );
  close.addEventListener('click', () => dialog.close());
  document.body.appendChild(dialog);
  const closed = new Promise<void>((resolve) =>
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    }),
  );
  dialog.showModal();
  return { dialog, closed };
}
