import { h } from './dom.js';

/** Options of a `VirtualRows` table. */
export interface VirtualRowsOptions {
  label: string;
  columns: string[];
  /** CSS grid-template-columns for header and rows alike. */
  template: string;
  rowHeight: number;
  /** Rows drawn above and below the visible ones, so a fast scroll shows no gap. */
  overscan?: number;
  /** The cells of row `index`. */
  cells(index: number): (Node | string)[];
}

/**
 * A table that draws only the rows in view: a spacer as tall as every row
 * gives the scrollbar its true size, and a window of absolutely placed rows
 * follows the scroll. 5,000 rows cost as much to draw as 40. It keeps the
 * table semantics (`role=table`, `aria-rowcount`, `aria-rowindex`) so a
 * screen reader knows where in the whole it is.
 */
export class VirtualRows {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private count = 0;
  /** The rows in the DOM, by index. */
  private readonly drawn = new Map<number, HTMLElement>();
  private queued = false;

  constructor(private readonly options: VirtualRowsOptions) {
    this.spacer = h('div', { class: 'vt-body', role: 'rowgroup' });
    this.viewport = h(
      'div',
      { class: 'vt-viewport', tabindex: 0, 'aria-label': `${options.label}, scrollable` },
      this.spacer,
    );
    this.element = h(
      'div',
      // The columns once, as a custom property every row reads: no per-row style to recompute.
      { class: 'vt', role: 'table', 'aria-label': options.label, style: `--vt-columns:${options.template}` },
      h(
        'div',
        { role: 'rowgroup' },
        h(
          'div',
          { class: 'vt-row vt-head', role: 'row', 'aria-rowindex': 1 },
          options.columns.map((c) => h('div', { role: 'columnheader' }, c)),
        ),
      ),
      this.viewport,
    );
    this.viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
  }

  /** Sets how many rows there are (their contents may have changed too) and redraws the window. */
  update(count: number): void {
    this.count = count;
    this.element.setAttribute('aria-rowcount', String(count + 1));
    this.spacer.style.height = `${count * this.options.rowHeight}px`;
    const active = document.activeElement;
    const key = active instanceof HTMLElement && this.spacer.contains(active) ? active.dataset.focusKey : undefined;
    this.drawn.clear();
    this.spacer.replaceChildren();
    this.draw();
    // A live update redraws every row: the focused control gets its focus back in the new row.
    if (key) this.spacer.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
  }

  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.draw();
    });
  }

  /** Draws the rows now in view; rows already drawn stay, so a scroll step builds only the rows it uncovers. */
  private draw(): void {
    const { rowHeight, overscan = 10 } = this.options;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / rowHeight) - overscan);
    const visible = Math.ceil((this.viewport.clientHeight || 600) / rowHeight) + 2 * overscan;
    const last = Math.min(this.count, first + visible);
    for (const [i, row] of this.drawn) {
      if (i >= first && i < last) continue;
      row.remove();
      this.drawn.delete(i);
    }
    for (let i = first; i < last; i++) {
      if (this.drawn.has(i)) continue;
      const row = h(
        'div',
        {
          class: 'vt-row',
          role: 'row',
          'aria-rowindex': i + 2,
          style: `transform:translateY(${i * rowHeight}px);height:${rowHeight}px`,
        },
        this.options.cells(i).map((c) => h('div', { role: 'cell' }, c)),
      );
      this.drawn.set(i, row);
      this.spacer.appendChild(row);
    }
  }
}
