import type { KubeObject } from '@flotilla/core';
import { column, type KindPrinter } from '../table.js';
import { ageColumn, count, nameColumn, selectorText, templateColumns, valueAt } from './common.js';

const template = templateColumns(['spec', 'template']);
const selector = column('Selector', (obj) => selectorText(valueAt(obj, ['spec', 'selector'])), { priority: 1 });
const desiredReplicas = (obj: KubeObject) => {
  const replicas = valueAt(obj, ['spec', 'replicas']);
  return typeof replicas === 'number' ? replicas : 1;
};
const status = (field: string) => (obj: KubeObject) => count(obj, ['status', field]);
const int = { type: 'integer' as const };

/** kubectl's deployment columns: NAME READY UP-TO-DATE AVAILABLE AGE; wide adds CONTAINERS IMAGES SELECTOR. */
export const deploymentPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Ready', (obj) => `${count(obj, ['status', 'readyReplicas'])}/${desiredReplicas(obj)}`),
    column('Up-to-date', status('updatedReplicas'), int),
    column('Available', status('availableReplicas'), int),
    ageColumn,
    ...template,
    selector,
  ],
};

/** kubectl's replica set (and replication controller) columns: NAME DESIRED CURRENT READY AGE. */
export const replicaSetPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Desired', desiredReplicas, int),
    column('Current', status('replicas'), int),
    column('Ready', status('readyReplicas'), int),
    ageColumn,
    ...template,
    selector,
  ],
};

/** kubectl's daemon set columns: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE. */
export const daemonSetPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Desired', status('desiredNumberScheduled'), int),
    column('Current', status('currentNumberScheduled'), int),
    column('Ready', status('numberReady'), int),
    column('Up-to-date', status('updatedNumberScheduled'), int),
    column('Available', status('numberAvailable'), int),
    column('Node Selector', (obj) => {
      const labels = valueAt(obj, ['spec', 'template', 'spec', 'nodeSelector']) as Record<string, string> | undefined;
      const text = Object.entries(labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return text || '<none>';
    }),
    ageColumn,
    ...template,
    selector,
  ],
};

/** kubectl's stateful set columns: NAME READY AGE. */
export const statefulSetPrinter: KindPrinter = {
  columns: [
    nameColumn,
    column('Ready', (obj) => `${count(obj, ['status', 'readyReplicas'])}/${desiredReplicas(obj)}`),
    ageColumn,
    ...template,
  ],
};
