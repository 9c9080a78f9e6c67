import type { InformerEvent, KubeObject } from '@flotilla/core';

/**
 * An event filter that lets through every event except an update of a
 * `kind` object whose `inputs` (a string of what a controller's sync reads
 * of it) are the same before and after: such an update cannot change what
 * the sync decides. Adds, deletes and other kinds always pass.
 */
export function updatesChanging<T extends KubeObject>(
  kind: string,
  inputs: (obj: Readonly<T>) => string,
): (event: InformerEvent<KubeObject>) => boolean {
  return (event) =>
    event.type !== 'updated' ||
    event.object.kind !== kind ||
    !event.oldObject ||
    inputs(event.oldObject as Readonly<T>) !== inputs(event.object as Readonly<T>);
}
