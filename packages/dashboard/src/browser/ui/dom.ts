/** What `h` accepts as a child: nodes, text, or nothing (skipped). */
export type Child = Node | string | number | false | null | undefined | Child[];

type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/**
 * Builds an element: `h('button', { type: 'button', onclick: f }, 'Scale')`.
 * Attributes named `on...` become listeners; `false`/`undefined` leave an
 * attribute out. Text is always set as text, never parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else if (c !== false && c !== null && c !== undefined) el.appendChild(document.createTextNode(String(c)));
  }
}

/**
 * Replaces `container`'s children, keeping keyboard focus: an element
 * marked `data-focus-key` that had focus gets it back in the new content, so
 * a live update never throws a keyboard user out of the page.
 */
export function replaceContent(container: HTMLElement, ...children: Child[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.focusKey : undefined;
  const fragment = document.createDocumentFragment();
  append(fragment, children);
  container.replaceChildren(fragment);
  if (key) container.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

/** A progress bar with its numbers as text, labelled for screen readers. */
export function bar(label: string, value: number, max: number, text: string): HTMLElement {
  const ratio = max > 0 ? Math.min(1, value / max) : 0;
  const level = ratio >= 0.9 ? 'high' : ratio >= 0.7 ? 'mid' : 'low';
  return h(
    'div',
    {
      class: 'bar',
      role: 'meter',
      'aria-label': label,
      'aria-valuemin': 0,
      'aria-valuemax': max,
      'aria-valuenow': value,
    },
    h('div', { class: `fill ${level}`, style: `width:${(ratio * 100).toFixed(1)}%` }),
    h('span', { class: 'bar-text' }, text),
  );
}

/** How long ago an ISO time was, as kubectl prints ages: `45s`, `3m`, `2h`, `5d`. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
