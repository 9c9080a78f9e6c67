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

/** Something that could not be read or applied, and why, in words a user can act on. */
export interface ManifestFailure {
  /** `file.yaml` for a file that does not parse, `kind/name (file.yaml)` for an object the Api refused. */
  what: string;
  message: string;
}

/** The objects of a manifest directory, each with the file it came from, and the files that did not parse. */
export interface ManifestSet {
  objects: { object: KubeObject; file: string }[];
  failures: ManifestFailure[];
}

/**
 * Reads every manifest file of `dir` (`.yaml`, `.yml`, `.json`), in file-name
 * order. A file that does not parse is reported in `failures` and the other
 * files are still read.
 *
 * @throws BadRequestError when the directory cannot be read or holds no manifest file.
 */
export async function readManifests(dir: string): Promise<ManifestSet> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => manifestFile.test(f)).sort();
  } catch (err) {
    throw new BadRequestError(`cannot read manifests from ${dir} (${(err as Error).message}); pass --manifests DIR`);
  }
  if (files.length === 0) throw new BadRequestError(`no .yaml, .yml or .json files in ${dir}; pass --manifests DIR`);
  const set: ManifestSet = { objects: [], failures: [] };
  for (const file of files) {
    try {
      for (const object of parseManifests(await readFile(join(dir, file), 'utf8'))) set.objects.push({ object, file });
    } catch (err) {
      set.failures.push({ what: file, message: (err as Error).message });
    }
  }
  return set;
}

/** What `applyManifests` did: the objects now in the cluster and those the Api refused. */
export interface ApplyResult {
  applied: AppliedObject[];
  failures: ManifestFailure[];
}

/**
 * Applies each object through the Api (`kubectl apply`: create, or update
 * what is there), in order; a namespaced object without a namespace goes to
 * `default`, as kubectl puts it in its context's namespace. An object the
 * Api refuses (invalid, unknown kind, ...) is reported with its error and
 * the rest are still applied.
 */
export async function applyManifests(api: Api, objects: ManifestSet['objects']): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], failures: [] };
  for (const { object, file } of objects) {
    try {
      const namespaced = api.registry.forObject(object).namespaced;
      const missing = namespaced && !object.metadata?.namespace;
      const stored = await api.apply(
        missing ? { ...object, metadata: { ...object.metadata, namespace: 'default' } } : object,
      );
      result.applied.push({ kind: stored.kind, namespace: stored.metadata.namespace, name: stored.metadata.name });
    } catch (err) {
      const name = object.metadata?.name ?? '(no name)';
      result.failures.push({ what: `${object.kind}/${name} (${file})`, message: (err as Error).message });
    }
  }
  return result;
}
