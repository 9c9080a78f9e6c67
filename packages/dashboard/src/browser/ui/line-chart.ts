import type { ChartSeries } from '../model/usage-series.js';
import { h } from './dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The chart's drawing box, in its own units (it scales to the width it is given). */
export const CHART_WIDTH = 300;
/** The chart's height in its own units. */
export const CHART_HEIGHT = 80;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/** How long a chart spans, as a person reads it: `last 45 s`, `last 12 min`. */
function spanText(ms: number): string {
  return ms < 120_000 ? `last ${Math.round(ms / 1000)} s` : `last ${Math.round(ms / 60_000)} min`;
}

/**
 * A small line chart of one series as inline SVG: the line, the area under
 * it, and the top of the scale. For screen readers it is one image whose
 * label says what it shows and its newest value; `data-series` names it and
 * `data-samples` counts its points (for tests and tools).
 */
export function lineChart(
  title: string,
  series: ChartSeries,
  format: (value: number) => string,
  name: string,
): HTMLElement {
  const latest = series.points.length ? format(series.latest) : 'no samples yet';
  const chart = svg('svg', {
    viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`,
    preserveAspectRatio: 'none',
    class: 'chart',
    role: 'img',
    'aria-label': `${title}: ${latest}`,
    'data-series': name,
    'data-samples': series.points.length,
  });
  if (series.points.length > 0) {
    const line = series.points.map(([x, y]) => `${x},${y}`).join(' ');
    const [firstX] = series.points[0];
    const [lastX] = series.points[series.points.length - 1];
    chart.append(
      svg('polygon', { class: 'chart-area', points: `${firstX},${CHART_HEIGHT} ${line} ${lastX},${CHART_HEIGHT}` }),
      svg('polyline', { class: 'chart-line', points: line, 'vector-effect': 'non-scaling-stroke' }),
    );
  }
  return h(
    'figure',
    { class: 'chart-box' },
    h(
      'figcaption',
      {},
      h('span', {}, title),
      h('span', { class: 'chart-value' }, latest),
      h('span', { class: 'chart-max' }, `${spanText(series.spanMs)}, max ${format(series.max)}`),
    ),
    chart,
  );
}
