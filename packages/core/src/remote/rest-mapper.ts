import { BadRequestError } from '../errors/api-errors.js';
import { isJsonObject } from '../json/json-object.js';
import type { ResourceType } from '../registry/resource-type.js';
import type { HttpTransport } from './http-transport.js';

/** Where a kind is served: what the REST paths of its objects are built from. */
export type RestMapping = Pick<
  ResourceType,
  'group' | 'version' | 'kind' | 'plural' | 'namespaced' | 'statusSubresource'
>;

/** The aggregated discovery document kubectl asks for first (`apidiscovery.k8s.io/v2`). */
export const AGGREGATED_DISCOVERY_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

const TARGET = { resource: 'discovery', name: '' };

type Json = Record<string, unknown>;
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

/** Reads one `APIGroupDiscoveryList`; its groups and versions come in preference order. */
function fromAggregated(doc: Json): RestMapping[] {
  const out: RestMapping[] = [];
  for (const group of objects(doc.items)) {
    const groupName = isJsonObject(group.metadata) ? String(group.metadata.name ?? '') : '';
    const preferred = objects(group.versions)[0];
    if (!preferred) continue;
    for (const r of objects(preferred.resources)) {
      const kind = isJsonObject(r.responseKind) ? r.responseKind.kind : undefined;
      if (typeof kind !== 'string' || typeof r.resource !== 'string') continue;
      out.push({
        group: groupName,
        version: String(preferred.version),
        kind,
        plural: r.resource,
        namespaced: r.scope === 'Namespaced',
        statusSubresource: objects(r.subresources).some((s) => s.subresource === 'status'),
      });
    }
  }
  return out;
}

/** Reads one legacy `APIResourceList` (`/api/v1`, `/apis/apps/v1`): subresources are the `pods/status` entries. */
function fromResourceList(doc: Json, group: string, version: string): RestMapping[] {
  const resources = objects(doc.resources);
  const names = new Set(resources.map((r) => String(r.name)));
  return resources
    .filter((r) => typeof r.name === 'string' && !r.name.includes('/') && typeof r.kind === 'string')
    .map((r) => ({
      group,
      version,
      kind: r.kind as string,
      plural: r.name as string,
      namespaced: r.namespaced === true,
      statusSubresource: names.has(`${r.name}/status`),
    }));
}

/**
 * Kind -> REST mapping from the server's discovery, as kubectl's
 * discovery-backed RESTMapper: read once (aggregated v2; legacy documents
 * when the server answers plain `APIGroupList`), cached, and read again
 * when a kind is not found, so a CustomResourceDefinition created after
 * start is found on its first use. Concurrent misses share one refresh.
 * Where two groups serve one kind (`Event`), the first in the server's
 * preference order wins, the core group first.
 */
export class RestMapper {
  private byKind = new Map<string, RestMapping>();
  private loaded = false;
  private refreshing?: Promise<void>;

  constructor(private readonly transport: HttpTransport) {}

  /** The mapping for `kind`, refreshing discovery once on a miss; `BadRequestError` if the server does not serve it. */
  async mapping(kind: string): Promise<RestMapping> {
    const known = this.byKind.get(kind);
    if (known) return known;
    await this.refresh();
    const found = this.byKind.get(kind);
    if (!found) {
      throw new BadRequestError(`the server does not serve kind "${kind}" (not in its discovery documents)`);
    }
    return found;
  }

  /** Every mapping known (reading discovery first if it never was). */
  async all(): Promise<RestMapping[]> {
    if (!this.loaded) await this.refresh();
    return [...this.byKind.values()];
  }

  /** Reads discovery again; concurrent calls share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async read(): Promise<void> {
    const mappings: RestMapping[] = [];
    for (const path of ['/api', '/apis']) {
      const { body } = await this.transport.request({
        method: 'GET',
        path,
        accept: AGGREGATED_DISCOVERY_ACCEPT,
        target: TARGET,
      });
      if (!isJsonObject(body)) continue;
      if (body.kind === 'APIGroupDiscoveryList') mappings.push(...fromAggregated(body));
      else mappings.push(...(await this.legacy(path, body)));
    }
    const byKind = new Map<string, RestMapping>();
    for (const m of mappings) if (!byKind.has(m.kind)) byKind.set(m.kind, m);
    this.byKind = byKind;
    this.loaded = true;
  }

  /** `/api` answers `APIVersions`, `/apis` `APIGroupList`: one more request per preferred group version. */
  private async legacy(path: string, doc: Json): Promise<RestMapping[]> {
    const groupVersions: { group: string; version: string }[] =
      path === '/api'
        ? (Array.isArray(doc.versions) ? doc.versions : []).slice(0, 1).map((v) => ({ group: '', version: String(v) }))
        : objects(doc.groups).flatMap((g) => {
            const preferred = isJsonObject(g.preferredVersion) ? g.preferredVersion.version : undefined;
            return typeof g.name === 'string' && typeof preferred === 'string'
              ? [{ group: g.name, version: preferred }]
              : [];
          });
    const out: RestMapping[] = [];
    for (const { group, version } of groupVersions) {
      const { body } = await this.transport.request({
        method: 'GET',
        path: group ? `/apis/${group}/${version}` : `/api/${version}`,
        target: TARGET,
      });
      if (isJsonObject(body)) out.push(...fromResourceList(body, group, version));
    }
    return out;
  }
}

/** `/api/v1/namespaces/default/pods`, `/apis/apps/v1/deployments`: the collection path of a kind. */
export function collectionPath(m: RestMapping, namespace: string | undefined): string {
  const root = m.group ? `/apis/${m.group}/${m.version}` : `/api/${m.version}`;
  const scope = m.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${m.plural}`;
}
