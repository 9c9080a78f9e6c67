import type { KubeObject } from '@flotilla/core';
import { column, type KindPrinter } from '../table.js';
import { ageColumn, nameColumn, orNone, valueAt } from './common.js';

const keys = (obj: KubeObject, field: string) =>
  Object.keys((valueAt(obj, [field]) as object | undefined) ?? {}).length;

/** kubectl's config map columns: NAME DATA AGE (DATA counts `data` and `binaryData` keys). */
export const configMapPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Data', (obj) => keys(obj, 'data') + keys(obj, 'binaryData'), { type: 'integer' }),
    ageColumn,
  ],
};

/** kubectl's secret columns: NAME TYPE DATA AGE. */
export const secretPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Type', (obj) => String(valueAt(obj, ['type']) ?? 'Opaque')),
    column('Data', (obj) => keys(obj, 'data'), { type: 'integer' }),
    ageColumn,
  ],
};

/** kubectl's service account columns: NAME SECRETS AGE. */
export const serviceAccountPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Secrets', (obj) => ((valueAt(obj, ['secrets']) as unknown[] | undefined) ?? []).length, {
      type: 'integer',
    }),
    ageColumn,
  ],
};

/** kubectl's namespace columns: NAME STATUS AGE. */
export const namespacePrinter: KindPrinter = {
  columns: [nameColumn, column('Status', (obj) => String(valueAt(obj, ['status', 'phase']) ?? 'Active')), ageColumn],
};

/** kubectl's lease columns: NAME HOLDER AGE. */
export const leasePrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Holder', (obj) => orNone(valueAt(obj, ['spec', 'holderIdentity']) as string | undefined)),
    ageColumn,
  ],
};

/** NAME AGE: every kind without columns of its own. */
export const defaultPrinter: KindPrinter = { columns: [nameColumn, ageColumn] };
