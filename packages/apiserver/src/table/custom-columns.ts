import type { CustomResourceColumnDefinition, KubeObject, ResourceType } from '@flotilla/core';
import { ageColumn, nameColumn } from './columns/common.js';
import { ageOf } from './human-duration.js';
import { column, type KindPrinter, type PrinterColumn } from './table.js';

/** One step of a printer column's JSONPath: a member, an index, or a `[?(@.key=="value")]` filter. */
type PathStep = { member: string } | { index: number } | { key: string; equals: string };

const STEP = /^\.([A-Za-z0-9_-]+)|^\[(\d+)\]|^\[\?\(@\.([A-Za-z0-9_-]+)\s*==\s*["']([^"']*)["']\)\]/;

/**
 * Parses the JSONPath subset CRDs use in `additionalPrinterColumns`
 * (`.spec.replicas`, `.status.conditions[?(@.type=="Ready")].status`,
 * `.spec.containers[0].image`); `undefined` for anything else.
 */
export function parseColumnPath(path: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  let rest = path.trim().replace(/^\{(.*)\}$/, '$1');
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push({ member: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else steps.push({ key: m[3]!, equals: m[4]! });
    rest = rest.slice(m[0].length);
  }
  return steps;
}

function walk(value: unknown, steps: PathStep[]): unknown {
  let at = value;
  for (const step of steps) {
    if ('member' in step) {
      at =
        at !== null && typeof at === 'object' && !Array.isArray(at)
          ? (at as Record<string, unknown>)[step.member]
          : undefined;
    } else if ('index' in step) {
      at = Array.isArray(at) ? at[step.index] : undefined;
    } else {
      at = Array.isArray(at)
        ? at.find(
            (item) =>
              item !== null &&
              typeof item === 'object' &&
              String((item as Record<string, unknown>)[step.key]) === step.equals,
          )
        : undefined;
    }
    if (at === undefined) return undefined;
  }
  return at;
}

function cellOf(def: CustomResourceColumnDefinition, steps: PathStep[] | undefined) {
  return (obj: KubeObject, ctx: { now: number }): string | number | boolean => {
    const value = steps ? walk(obj, steps) : undefined;
    if (value === undefined || value === null) return '<none>';
    if (def.type === 'date' && typeof value === 'string') return ageOf(value, ctx.now);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    return JSON.stringify(value);
  };
}

/** A custom kind's printer columns, as a CustomResourceDefinition declares them. */
interface WithPrinterColumns {
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
}

/**
 * The printer of a kind defined by a CustomResourceDefinition: NAME, then its
 * `additionalPrinterColumns` (a `date` column printed as an age), as
 * kube-apiserver prints custom resources; NAME AGE when it declares none.
 * `undefined` for kinds that carry no columns.
 */
export function customResourcePrinter(type: ResourceType): KindPrinter | undefined {
  const columns = (type as ResourceType & WithPrinterColumns).additionalPrinterColumns;
  if (!columns) return undefined;
  if (columns.length === 0) return { columns: [nameColumn, ageColumn] };
  const printed: PrinterColumn[] = columns.map((def) =>
    column(def.name, cellOf(def, parseColumnPath(def.jsonPath)), {
      type: def.type === 'date' ? 'string' : def.type,
      format: def.format ?? (def.type === 'date' ? 'date' : ''),
      description: def.description ?? '',
      priority: def.priority ?? 0,
    }),
  );
  return { columns: [nameColumn, ...printed] };
}
