import type { KubeObject } from '@flotilla/core';
import type { KindPrinter, PartialObjectMetadata, Table, TableRow } from './table.js';

/** What each row carries of its object (`includeObject`): nothing, its metadata (the default), or all of it. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Options of `toTable`. */
export interface ToTableOptions {
  /** Milliseconds since the epoch, for ages. */
  now: number;
  includeObject: IncludeObject;
  resourceVersion?: string;
  continue?: string;
}

function rowObject(obj: KubeObject, include: IncludeObject): TableRow['object'] {
  if (include === 'Object') return obj;
  if (include === 'None') return undefined;
  const partial: PartialObjectMetadata = {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: obj.metadata,
  };
  return partial;
}

/** Prints `objects` as a Table with `printer`'s columns; a row's cells follow the column order. */
export function toTable(printer: KindPrinter, objects: readonly KubeObject[], options: ToTableOptions): Table {
  const ctx = { now: options.now };
  const metadata: Table['metadata'] = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continue !== undefined) metadata.continue = options.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => c.definition),
    rows: objects.map((obj) => {
      const row: TableRow = { cells: printer.columns.map((c) => c.cell(obj, ctx)) };
      const object = rowObject(obj, options.includeObject);
      if (object) row.object = object;
      return row;
    }),
  };
}
