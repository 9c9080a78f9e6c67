import type { KubeObject, ResourceType } from '@flotilla/core';
import { asksFor, type MediaType } from '../server/media-type.js';
import type { Printers } from '../table/printers.js';
import type { Table } from '../table/table.js';
import { type IncludeObject, toTable } from '../table/to-table.js';

/**
 * How a response shows objects: as themselves (JSON), or as a server-side
 * Table (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which is
 * what `kubectl get` asks for and prints column by column.
 */
export interface ResponseView {
  /** True when the client asked for a Table. */
  readonly table: boolean;
  /** One object: itself, or a one-row Table. */
  object(obj: KubeObject): KubeObject | Table;
  /** A list: `<Kind>List` or a Table with a row per item. */
  list(items: readonly KubeObject[], resourceVersion: string, next?: string): unknown;
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

/** The view a request asks for; `now` stamps the ages of Table cells. */
export function responseView(
  type: ResourceType,
  accept: readonly MediaType[],
  query: URLSearchParams,
  printers: Printers,
  now: () => number,
  /** Converts a stored object to the served version, when the URL's version is served by conversion. */
  present: (obj: KubeObject) => KubeObject = (obj) => obj,
): ResponseView {
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  const table = accept.some(
    (m) => asksFor(m, 'Table', 'meta.k8s.io', 'v1') || asksFor(m, 'Table', 'meta.k8s.io', 'v1beta1'),
  );
  if (!table) {
    return {
      table,
      object: present,
      list: (items, resourceVersion, next) => ({
        kind: `${type.kind}List`,
        apiVersion,
        metadata: next === undefined ? { resourceVersion } : { resourceVersion, continue: next },
        items: items.map(present),
      }),
    };
  }
  const printer = printers.for(type);
  const includeObject = includeObjectOf(query);
  return {
    table,
    object: (obj) => toTable(printer, [obj], { now: now(), includeObject }),
    list: (items, resourceVersion, next) =>
      toTable(printer, items, { now: now(), includeObject, resourceVersion, continue: next }),
  };
}
