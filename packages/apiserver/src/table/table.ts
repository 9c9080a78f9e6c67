import type { KubeObject } from '@flotilla/core';

/** One column of a Table (`metav1.TableColumnDefinition`); `priority` 1 columns show only with `-o wide`. */
export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: `string`, `integer`, `number`, `boolean`. */
  type: 'string' | 'integer' | 'number' | 'boolean';
  format: string;
  description: string;
  priority: number;
}

/** `PartialObjectMetadata`: what a row carries of its object unless the client asks for all of it. */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: KubeObject['metadata'];
}

/** One row: the cells in column order, and the object (or its metadata) it shows. */
export interface TableRow {
  cells: (string | number | boolean)[];
  object?: KubeObject | PartialObjectMetadata;
}

/** `meta.k8s.io/v1` Table: the server-side printing kubectl asks for. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What a cell function is given beside the object: the current time, for ages. */
export interface CellContext {
  /** Milliseconds since the epoch. */
  now: number;
}

/** A column and how to compute its cell from an object. */
export interface PrinterColumn {
  definition: TableColumnDefinition;
  /** The column's cell for `obj` (ages are counted to `ctx.now`). */
  cell(obj: KubeObject, ctx: CellContext): string | number | boolean;
}

/** How one kind prints: its columns in order, NAME first. */
export interface KindPrinter {
  columns: PrinterColumn[];
}

/** A column definition with kubectl's defaults: a string, shown always. */
export function column(
  name: string,
  cell: PrinterColumn['cell'],
  options: { type?: TableColumnDefinition['type']; priority?: number; description?: string; format?: string } = {},
): PrinterColumn {
  return {
    definition: {
      name,
      type: options.type ?? 'string',
      format: options.format ?? '',
      description: options.description ?? '',
      priority: options.priority ?? 0,
    },
    cell,
  };
}
