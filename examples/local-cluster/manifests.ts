import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Api, BadRequestError, type KubeObject, parseManifests } from '@flotilla/core';

const manifestFile = /\.(ya?ml|json)$/;

/** One object as applied: what to print and what to find again. */
export interface AppliedObject {
  kind: string;
  namespace?: string;
  name: string;
}

/** Reads every manifest file of `dir` (`.yaml`, `.yml`, `.json`), in file-name order, as objects. */
export async function readManifests(dir: string): Promise<KubeObject[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => manifestFile.test(f)).sort();
  } catch (err) {
    throw new BadRequestError(`cannot read manifests from ${dir} (${(err as Error).message}); pass --manifests DIR`);
  }
  if (files.length === 0) throw new BadRequestError(`no .yaml, .yml or .json files in ${dir}; pass --manifests DIR`);
  const objects: KubeObject[] = [];
  for (const file of files) objects.push(...parseManifests(await readFile(join(dir, file), 'utf8')));
  return objects;
}

/** Applies each object through the Api (`kubectl apply`: create, or update what is there). */
export async function applyManifests(api: Api, objects: readonly KubeObject[]): Promise<AppliedObject[]> {
  const applied: AppliedObject[] = [];
  for (const obj of objects) {
    const stored = await api.apply(obj);
    applied.push({ kind: stored.kind, namespace: stored.metadata.namespace, name: stored.metadata.name });
  }
  return applied;
}
