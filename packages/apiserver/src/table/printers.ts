import type { ResourceType } from '@flotilla/core';
import { horizontalPodAutoscalerPrinter } from './columns/autoscaling.js';
import { cronJobPrinter, jobPrinter } from './columns/batch.js';
import {
  configMapPrinter,
  defaultPrinter,
  leasePrinter,
  namespacePrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './columns/config.js';
import { eventPrinter } from './columns/events.js';
import { nodePrinter } from './columns/nodes.js';
import { podPrinter } from './columns/pods.js';
import { endpointsPrinter, servicePrinter } from './columns/services.js';
import { daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './columns/workloads.js';
import { customResourcePrinter } from './custom-columns.js';
import type { KindPrinter } from './table.js';

/** kubectl's printers for the built-in kinds, by `group/Kind` (`/Pod` for the core group). */
const BUILTIN_PRINTERS: ReadonlyMap<string, KindPrinter> = new Map([
  ['/Pod', podPrinter],
  ['/Node', nodePrinter],
  ['/Namespace', namespacePrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Event', eventPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/ReplicationController', replicaSetPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
]);

/**
 * Chooses the printer of a kind: one the server was given for it, the
 * `additionalPrinterColumns` of a kind a CustomResourceDefinition defines,
 * kubectl's for a built-in kind, else NAME AGE.
 */
export class Printers {
  private readonly fromDefinitions = new WeakMap<ResourceType, KindPrinter | undefined>();

  constructor(private readonly custom: ReadonlyMap<string, KindPrinter> = new Map()) {}

  /** The printer for `type`. */
  for(type: ResourceType): KindPrinter {
    const key = `${type.group}/${type.kind}`;
    const given = this.custom.get(key);
    if (given) return given;
    if (!this.fromDefinitions.has(type)) this.fromDefinitions.set(type, customResourcePrinter(type));
    return this.fromDefinitions.get(type) ?? BUILTIN_PRINTERS.get(key) ?? defaultPrinter;
  }
}
