import type {
  CustomResourceColumnDefinition,
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
} from '../model/apiextensions-v1.js';
import type { KubeObject } from '../model/meta.js';
import type { ResourceType } from '../registry/resource-type.js';
import { applySchemaDefaults, pruneUnknownFields, validateAgainstSchema } from './structural-schema.js';

/** Kubernetes' finalizer that holds a deleted CRD until every object of its kind is gone. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** What a CRD adds to a ResourceType: the columns `kubectl get` prints, the scale subresource, its names. */
export interface CustomResourceExtras {
  /** The name of the CustomResourceDefinition that defines the kind. */
  definedBy: string;
  /** The storage version's `additionalPrinterColumns`, for the apiserver's Table output. */
  additionalPrinterColumns: CustomResourceColumnDefinition[];
  /** The storage version's `subresources.scale`, if any. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  singular?: string;
  listKind?: string;
  categories?: string[];
  /** The storage version's `openAPIV3Schema`, as the CRD gives it: what the apiserver publishes for `kubectl explain` and validation. */
  openAPIV3Schema?: JSONSchemaProps;
}

/** A ResourceType built from a CustomResourceDefinition, with what the CRD adds. */
export type CustomResourceType = ResourceType & CustomResourceExtras;

/** The version objects are stored at: the one marked `storage`. */
export function storageVersionOf(crd: Readonly<CustomResourceDefinition>): CustomResourceDefinitionVersion {
  const v = crd.spec.versions.find((x) => x.storage) ?? crd.spec.versions[0];
  if (!v) throw new Error(`CustomResourceDefinition ${crd.metadata.name} has no versions`);
  return v;
}

/**
 * The ResourceType a CustomResourceDefinition defines: its group, names and
 * scope; served at the storage version, and accepting writes at every
 * served version (`conversion.strategy: None`: only `apiVersion` changes);
 * the status subresource when the storage version declares it. Objects are
 * pruned of unknown fields, defaulted and validated with the storage
 * version's `openAPIV3Schema`.
 */
export function customResourceType(crd: Readonly<CustomResourceDefinition>): CustomResourceType {
  const storage = storageVersionOf(crd);
  const schema: JSONSchemaProps = storage.schema?.openAPIV3Schema ?? {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  };
  const names = crd.spec.names;
  return {
    group: crd.spec.group,
    version: storage.name,
    servedVersions: crd.spec.versions.filter((v) => v.served).map((v) => v.name),
    kind: names.kind,
    plural: names.plural,
    namespaced: crd.spec.scope === 'Namespaced',
    statusSubresource: storage.subresources?.status !== undefined,
    shortNames: names.shortNames ? [...names.shortNames] : undefined,
    definedBy: crd.metadata.name,
    additionalPrinterColumns: structuredClone(storage.additionalPrinterColumns ?? []),
    scale: storage.subresources?.scale ? { ...storage.subresources.scale } : undefined,
    singular: names.singular,
    listKind: names.listKind,
    categories: names.categories ? [...names.categories] : undefined,
    openAPIV3Schema: storage.schema?.openAPIV3Schema ? structuredClone(storage.schema.openAPIV3Schema) : undefined,
    default(obj: KubeObject) {
      pruneUnknownFields(obj, schema);
      applySchemaDefaults(obj, schema);
    },
    validate(obj: KubeObject) {
      return validateAgainstSchema(obj, schema);
    },
  };
}
