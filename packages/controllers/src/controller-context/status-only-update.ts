import type { InformerEvent, KubeObject } from '@flotilla/core';
import { updatesChanging } from './updates-changing.js';

/** An object without what a write of its status alone changes. */
function beyondStatus(obj: Readonly<KubeObject>): string {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = obj.metadata;
  const { status: _status, ...rest } = obj as Readonly<KubeObject & { status?: unknown }>;
  return JSON.stringify({ ...rest, metadata });
}

/**
 * A predicate that drops updates of `kind` objects which changed only their
 * status: the controller that owns the kind wrote that status itself after a
 * sync, and reconciling again on its echo cannot change what the sync
 * decides (its inputs are the spec, the metadata and the objects it
 * manages). Every other event passes.
 */
export function ignoreStatusOnlyUpdates(kind: string): (event: InformerEvent<KubeObject>) => boolean {
  return updatesChanging(kind, beyondStatus);
}
