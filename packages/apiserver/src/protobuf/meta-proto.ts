// Field numbers from Kubernetes' published generated.proto files (facts of
// the wire format): k8s.io/apimachinery pkg/runtime, pkg/util/intstr,
// pkg/api/resource and pkg/apis/meta/v1. `[(keep_zero) = true]` marks fields
// whose zero value Go's JSON encoding prints (pointers and fields without
// `omitempty`); other zero scalars are what gogo-protobuf writes for unset
// non-pointer fields, and are dropped. `[(inline) = true]` marks embedded
// structs whose members JSON carries one level up.

/** runtime, intstr, resource and meta/v1 messages. */
export const metaProto = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.runtime;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
message RawExtension { optional bytes raw = 1; }
`;

/** `intstr.IntOrString`: JSON carries a number or a string. */
export const intstrProto = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.util.intstr;
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
`;

/** `resource.Quantity`: JSON carries the string. */
export const quantityProto = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.api.resource;
message Quantity { optional string string = 1; }
`;

/** meta/v1 messages the kinds below embed. */
export const metaV1Proto = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.apis.meta.v1;
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message MicroTime { optional int64 seconds = 1; optional int32 nanos = 2; }
message Duration { optional int64 duration = 1; }
message FieldsV1 { optional bytes Raw = 1; }
message OwnerReference {
  optional string kind = 1;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional bool controller = 6 [(keep_zero) = true];
  optional bool blockOwnerDeletion = 7 [(keep_zero) = true];
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10 [(keep_zero) = true];
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message Condition {
  optional string type = 1;
  optional string status = 2;
  optional int64 observedGeneration = 3;
  optional Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
`;
