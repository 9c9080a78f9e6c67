import type { Api, ResourceType } from '@flotilla/core';
import { apiVersionOnly } from '../conversion/api-version-only.js';
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

  constructor(
    private readonly api: Api,
    /** Versions served by conversion; each is served once its stored kind is registered. */
    private readonly servedVersions: readonly ServedVersion[] = [],
  ) {
    for (const type of api.registry.all()) this.add(type);
    this.unsubscribe = api.registry.onRegister((type) => this.add(type));
  }

  /** The kind served at `/apis/<group>/<version>/<plural>`, if any (a kind no longer registered is not). */
  find(group: string, version: string, plural: string): ServedKind | undefined {
    const served = this.byPath.get(`${group}/${version}/${plural}`);
    return served && this.registered(served.type) ? served : undefined;
  }

  /** Every served group; the core group (`''`) first, then the others in registration order. */
  servedGroups(): ServedGroup[] {
    return [...this.groups.values()].map((g) => this.current(g)).filter((g) => g.versions.size > 0);
  }

  /** The group named `name`, if served. */
  group(name: string): ServedGroup | undefined {
    const group = this.groups.get(name);
    const current = group && this.current(group);
    return current && current.versions.size > 0 ? current : undefined;
  }

  /** A kind unregistered since (a deleted CustomResourceDefinition) is no longer served. */
  private registered(type: ResourceType): boolean {
    return this.api.registry.find(type.kind) !== undefined;
  }

  private current(group: ServedGroup): ServedGroup {
    const versions = new Map<string, ResourceType[]>();
    for (const [version, kinds] of group.versions) {
      const live = kinds.filter((k) => this.registered(k));
      if (live.length > 0) versions.set(version, live);
    }
    return { name: group.name, versions };
  }

  private forget(kind: string): void {
    for (const [path, served] of this.byPath) if (served.type.kind === kind) this.byPath.delete(path);
    for (const group of this.groups.values()) {
      for (const [version, kinds] of group.versions) {
        const rest = kinds.filter((k) => k.kind !== kind);
        if (rest.length > 0) group.versions.set(version, rest);
        else group.versions.delete(version);
      }
    }
  }

  /** Stops following the registry. */
  close(): void {
    this.unsubscribe();
  }

  private add(type: ResourceType, conversion?: ServedVersion): void {
    // A kind registered again (its CustomResourceDefinition changed) is served only as it is now.
    if (!conversion) this.forget(type.kind);
    this.byPath.set(`${type.group}/${type.version}/${type.plural}`, conversion ? { type, conversion } : { type });
    let group = this.groups.get(type.group);
    if (!group) {
      group = { name: type.group, versions: new Map() };
      this.groups.set(type.group, group);
    }
    const kinds = group.versions.get(type.version) ?? [];
    kinds.push(type);
    group.versions.set(type.version, kinds);
    if (conversion) return;
    for (const served of this.servedVersions) {
      if (served.kind === type.kind && served.group === type.group)
        this.add({ ...type, version: served.version }, served);
    }
    // A CRD's other served versions: objects differ only in apiVersion (conversion strategy None).
    for (const version of type.servedVersions ?? []) {
      if (version !== type.version) this.add({ ...type, version }, apiVersionOnly(type, version));
    }
  }
}
