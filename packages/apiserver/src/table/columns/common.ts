import type { KubeObject } from '@flotilla/core';
import { ageOf } from '../human-duration.js';
import { column, type PrinterColumn } from '../table.js';

/** NAME, as every kind's first column. */
export const nameColumn: PrinterColumn = column('Name', (obj) => obj.metadata.name, {
  format: 'name',
  description: 'Name must be unique within a namespace.',
});

/** AGE, from `creationTimestamp`. */
export const ageColumn: PrinterColumn = column('Age', (obj, ctx) => ageOf(obj.metadata.creationTimestamp, ctx.now), {
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
});

/** A nested value of an object by path, or `undefined`. */
export function valueAt(obj: unknown, path: readonly string[]): unknown {
  let at: unknown = obj;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** `<none>` for an empty value, as kubectl prints it. */
export function orNone(value: string | undefined): string {
  return value === undefined || value === '' ? '<none>' : value;
}

/** A non-negative integer field, 0 when absent. */
export function count(obj: KubeObject, path: readonly string[]): number {
  const value = valueAt(obj, path);
  return typeof value === 'number' ? value : 0;
}

/** A label selector (`matchLabels` and `matchExpressions`) in kubectl's string form, `<none>` when empty. */
export function selectorText(selector: unknown): string {
  if (selector === null || typeof selector !== 'object') return '<none>';
  const s = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return orNone(parts.join(','));
}

/** Container names and images of a pod template, joined as kubectl's wide CONTAINERS and IMAGES columns. */
export function templateColumns(templatePath: readonly string[]): PrinterColumn[] {
  const containers = (obj: KubeObject) =>
    (valueAt(obj, [...templatePath, 'spec', 'containers']) as { name: string; image?: string }[] | undefined) ?? [];
  return [
    column(
      'Containers',
      (obj) =>
        containers(obj)
          .map((c) => c.name)
          .join(','),
      { priority: 1 },
    ),
    column(
      'Images',
      (obj) =>
        containers(obj)
          .map((c) => c.image ?? '')
          .join(','),
      { priority: 1 },
    ),
  ];
}
