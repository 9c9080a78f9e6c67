import type { Api, ResourceType } from '@flotilla/core';
import type { ServedVersion } from '../conversion/served-version.js';

/** What a URL's group, version and plural resolve to: the kind as served there, and its conversion when not stored so. */
export interface ServedKind {
  type: ResourceType;
  /** Present when this version is served by converting to and from the stored one. */
  conversion?: ServedVersion;
}

/** One API group and the versions it serves, in the order discovery lists them. */
export interface ServedGroup {
  /** `''` for the core group. */
  name: string;
  /** Version -> the kinds served there. */
  versions: Map<string, ResourceType[]>;
}

/**
 * The Api's registry seen the way URLs address it: by group, version and
 * plural. Follows kinds registered after the server started, so a custom
 * resource is served (and discovered) as soon as it is registered.
 */
export class ResourceIndex {
  private readonly byPath = new Map<string, ServedKind>();
  private readonly groups = new Map<string, ServedGroup>();
  private readonly unsubscribe: () => void;
  /** Grows with every registration; discovery documents cached under an older one are stale. */
  generation = 0;

  constructor(
    api: Api,
    /** Versions served by conversion; each is served once its stored kind is registered. */
    private readonly servedVersions: readonly ServedVersion[] = [],
  ) {
    for (const type of api.registry.all()) this.add(type);
    this.unsubscribe = api.registry.onRegister((type) => this.add(type));
  }

  /** The kind served at `/apis/<group>/<version>/<plural>`, if any. */
  find(group: string, version: string, plural: string): ServedKind | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** Every served group; the core group (`''`) first, then the others in registration order. */
  servedGroups(): ServedGroup[] {
    return [...this.groups.values()];
  }

  /** The group named `name`, if served. */
  group(name: string): ServedGroup | undefined {
    return this.groups.get(name);
  }

  /** Stops following the registry. */
  close(): void {
    this.unsubscribe();
  }

  private add(type: ResourceType, conversion?: ServedVersion): void {
    this.byPath.set(`${type.group}/${type.version}/${type.plural}`, conversion ? { type, conversion } : { type });
    let group = this.groups.get(type.group);
    if (!group) {
      group = { name: type.group, versions: new Map() };
      this.groups.set(type.group, group);
    }
    const kinds = group.versions.get(type.version) ?? [];
    kinds.push(type);
    group.versions.set(type.version, kinds);
    this.generation += 1;
    if (conversion) return;
    for (const served of this.servedVersions) {
      if (served.kind === type.kind && served.group === type.group)
        this.add({ ...type, version: served.version }, served);
    }
  }
}
