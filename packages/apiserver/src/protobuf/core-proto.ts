// Field numbers from kubernetes/api core/v1/generated.proto. See meta-proto.ts
// for the `keep_zero` and `inline` options. Only messages a `kubectl create`
// generator or a Pod template can carry are described.

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
const INTSTR = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';

/** core/v1 messages. */
export const coreV1Proto = `
syntax = "proto2";
package k8s.io.api.core.v1;
message Namespace { optional ${META}.ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; optional NamespaceStatus status = 3; }
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceStatus { optional string phase = 1; repeated NamespaceCondition conditions = 2; }
message NamespaceCondition { optional string type = 1; optional string status = 2; optional ${META}.Time lastTransitionTime = 4; optional string reason = 5; optional string message = 6; }
message ConfigMap { optional ${META}.ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4 [(keep_zero) = true]; }
message Secret { optional ${META}.ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5 [(keep_zero) = true]; }
message ObjectReference { optional string kind = 1; optional string namespace = 2; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional string resourceVersion = 6; optional string fieldPath = 7; }
message LocalObjectReference { optional string name = 1 [(keep_zero) = true]; }
message TypedLocalObjectReference { optional string apiGroup = 1 [(keep_zero) = true]; optional string kind = 2 [(keep_zero) = true]; optional string name = 3 [(keep_zero) = true]; }
message ServiceAccount {
  optional ${META}.ObjectMeta metadata = 1;
  repeated ObjectReference secrets = 2;
  repeated LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4 [(keep_zero) = true];
}
message Service { optional ${META}.ObjectMeta metadata = 1; optional ServiceSpec spec = 2; optional ServiceStatus status = 3; }
message ServicePort {
  optional string name = 1;
  optional string protocol = 2;
  optional int32 port = 3 [(keep_zero) = true];
  optional ${INTSTR} targetPort = 4;
  optional int32 nodePort = 5;
  optional string appProtocol = 6;
}
message ServiceSpec {
  repeated ServicePort ports = 1;
  map<string, string> selector = 2;
  optional string clusterIP = 3;
  optional string type = 4;
  repeated string externalIPs = 5;
  optional string sessionAffinity = 7;
  optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9;
  optional string externalName = 10;
  optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12;
  optional bool publishNotReadyAddresses = 13;
  optional string ipFamilyPolicy = 17;
  repeated string clusterIPs = 18;
  repeated string ipFamilies = 19;
  optional bool allocateLoadBalancerNodePorts = 20 [(keep_zero) = true];
  optional string loadBalancerClass = 21;
  optional string internalTrafficPolicy = 22;
  optional string trafficDistribution = 23;
}
message ServiceStatus { optional LoadBalancerStatus loadBalancer = 1; repeated ${META}.Condition conditions = 2; }
message LoadBalancerStatus { repeated LoadBalancerIngress ingress = 1; }
message LoadBalancerIngress { optional string ip = 1; optional string hostname = 2; optional string ipMode = 3; }
message ResourceQuota { optional ${META}.ObjectMeta metadata = 1; optional ResourceQuotaSpec spec = 2; optional ResourceQuotaStatus status = 3; }
message ResourceQuotaSpec { map<string, ${QUANTITY}> hard = 1; repeated string scopes = 2; optional ScopeSelector scopeSelector = 3; }
message ScopeSelector { repeated ScopedResourceSelectorRequirement matchExpressions = 1; }
message ScopedResourceSelectorRequirement { optional string scopeName = 1; optional string operator = 2; repeated string values = 3; }
message ResourceQuotaStatus { map<string, ${QUANTITY}> hard = 1; map<string, ${QUANTITY}> used = 2; }
message PodTemplateSpec { optional ${META}.ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message PodSpec {
  repeated Volume volumes = 1;
  repeated Container containers = 2;
  optional string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4 [(keep_zero) = true];
  optional int64 activeDeadlineSeconds = 5 [(keep_zero) = true];
  optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7;
  optional string serviceAccountName = 8;
  optional string serviceAccount = 9;
  optional string nodeName = 10;
  optional bool hostNetwork = 11;
  optional bool hostPID = 12;
  optional bool hostIPC = 13;
  repeated LocalObjectReference imagePullSecrets = 15;
  optional string hostname = 16;
  optional string subdomain = 17;
  optional string schedulerName = 19;
  repeated Container initContainers = 20;
  optional bool automountServiceAccountToken = 21 [(keep_zero) = true];
  repeated Toleration tolerations = 22;
  optional string priorityClassName = 24;
  optional int32 priority = 25 [(keep_zero) = true];
  optional bool shareProcessNamespace = 27 [(keep_zero) = true];
  optional string runtimeClassName = 29;
  optional bool enableServiceLinks = 30 [(keep_zero) = true];
  optional string preemptionPolicy = 31;
  optional bool setHostnameAsFQDN = 35 [(keep_zero) = true];
  optional bool hostUsers = 37 [(keep_zero) = true];
}
message Toleration { optional string key = 1; optional string operator = 2; optional string value = 3; optional string effect = 4; optional int64 tolerationSeconds = 5 [(keep_zero) = true]; }
message Volume { optional string name = 1; optional VolumeSource volumeSource = 2 [(inline) = true]; }
message VolumeSource {
  optional HostPathVolumeSource hostPath = 1;
  optional EmptyDirVolumeSource emptyDir = 2;
  optional SecretVolumeSource secret = 6;
  optional PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10;
  optional ConfigMapVolumeSource configMap = 19;
}
message HostPathVolumeSource { optional string path = 1; optional string type = 2; }
message EmptyDirVolumeSource { optional string medium = 1; optional ${QUANTITY} sizeLimit = 2; }
message KeyToPath { optional string key = 1; optional string path = 2; optional int32 mode = 3 [(keep_zero) = true]; }
message SecretVolumeSource { optional string secretName = 1; repeated KeyToPath items = 2; optional int32 defaultMode = 3 [(keep_zero) = true]; optional bool optional = 4 [(keep_zero) = true]; }
message ConfigMapVolumeSource { optional LocalObjectReference localObjectReference = 1 [(inline) = true]; repeated KeyToPath items = 2; optional int32 defaultMode = 3 [(keep_zero) = true]; optional bool optional = 4 [(keep_zero) = true]; }
message PersistentVolumeClaimVolumeSource { optional string claimName = 1; optional bool readOnly = 2; }
message Container {
  optional string name = 1 [(keep_zero) = true];
  optional string image = 2;
  repeated string command = 3;
  repeated string args = 4;
  optional string workingDir = 5;
  repeated ContainerPort ports = 6;
  repeated EnvVar env = 7;
  optional ResourceRequirements resources = 8;
  repeated VolumeMount volumeMounts = 9;
  optional string terminationMessagePath = 13;
  optional string imagePullPolicy = 14;
  optional bool stdin = 16;
  optional bool stdinOnce = 17;
  optional bool tty = 18;
  repeated EnvFromSource envFrom = 19;
  optional string terminationMessagePolicy = 20;
  optional string restartPolicy = 24;
}
message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3 [(keep_zero) = true]; optional string protocol = 4; optional string hostIP = 5; }
message EnvVar { optional string name = 1 [(keep_zero) = true]; optional string value = 2; optional EnvVarSource valueFrom = 3; }
message EnvVarSource { optional ObjectFieldSelector fieldRef = 1; optional ConfigMapKeySelector configMapKeyRef = 3; optional SecretKeySelector secretKeyRef = 4; }
message ObjectFieldSelector { optional string apiVersion = 1; optional string fieldPath = 2; }
message ConfigMapKeySelector { optional LocalObjectReference localObjectReference = 1 [(inline) = true]; optional string key = 2; optional bool optional = 3 [(keep_zero) = true]; }
message SecretKeySelector { optional LocalObjectReference localObjectReference = 1 [(inline) = true]; optional string key = 2; optional bool optional = 3 [(keep_zero) = true]; }
message EnvFromSource { optional string prefix = 1; optional ConfigMapEnvSource configMapRef = 2; optional SecretEnvSource secretRef = 3; }
message ConfigMapEnvSource { optional LocalObjectReference localObjectReference = 1 [(inline) = true]; optional bool optional = 2 [(keep_zero) = true]; }
message SecretEnvSource { optional LocalObjectReference localObjectReference = 1 [(inline) = true]; optional bool optional = 2 [(keep_zero) = true]; }
message ResourceRequirements { map<string, ${QUANTITY}> limits = 1; map<string, ${QUANTITY}> requests = 2; }
message VolumeMount { optional string name = 1; optional bool readOnly = 2; optional string mountPath = 3; optional string subPath = 4; }
`;
