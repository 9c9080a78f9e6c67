import type { Api, ResourceType } from '@flotilla/core';

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
  private readonly byPath = new Map<string, ResourceType>();
  private readonly groups = new Map<string, ServedGroup>();
  private readonly unsubscribe: () => void;
  /** Grows with every registration; discovery documents cached under an older one are stale. */
  generation = 0;

  constructor(api: Api) {
    for (const type of api.registry.all()) this.add(type);
    this.unsubscribe = api.registry.onRegister((type) => this.add(type));
  }

  /** The kind served at `/apis/<group>/<version>/<plural>`, if any. */
  find(group: string, version: string, plural: string): ResourceType | undefined {
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

  private add(type: ResourceType): void {
    this.byPath.set(`${type.group}/${type.version}/${type.plural}`, type);
    let group = this.groups.get(type.group);
    if (!group) {
      group = { name: type.group, versions: new Map() };
      this.groups.set(type.group, group);
    }
    const kinds = group.versions.get(type.version) ?? [];
    kinds.push(type);
    group.versions.set(type.version, kinds);
    this.generation += 1;
  }
}
