// Field numbers from kubernetes/api apps/v1, batch/v1, rbac/v1, policy/v1,
// scheduling/v1, networking/v1, authentication/v1 and autoscaling/v1
// generated.proto. See meta-proto.ts for the `keep_zero` and `inline` options.

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
const CORE = '.k8s.io.api.core.v1';
const INTSTR = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';

const header = (pkg: string) => `syntax = "proto2";\npackage ${pkg};\n`;

/** apps/v1 Deployment. */
export const appsV1Proto = `${header('k8s.io.api.apps.v1')}
message Deployment { optional ${META}.ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional DeploymentStatus status = 3; }
message DeploymentSpec {
  optional int32 replicas = 1 [(keep_zero) = true];
  optional ${META}.LabelSelector selector = 2;
  optional ${CORE}.PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 [(keep_zero) = true];
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 [(keep_zero) = true];
}
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message RollingUpdateDeployment { optional ${INTSTR} maxUnavailable = 1; optional ${INTSTR} maxSurge = 2; }
message DeploymentStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2;
  optional int32 updatedReplicas = 3;
  optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5;
  repeated DeploymentCondition conditions = 6;
  optional int32 readyReplicas = 7;
  optional int32 collisionCount = 8 [(keep_zero) = true];
  optional int32 terminatingReplicas = 9 [(keep_zero) = true];
}
message DeploymentCondition {
  optional string type = 1; optional string status = 2; optional string reason = 4; optional string message = 5;
  optional ${META}.Time lastUpdateTime = 6; optional ${META}.Time lastTransitionTime = 7;
}
`;

/** batch/v1 Job and CronJob. */
export const batchV1Proto = `${header('k8s.io.api.batch.v1')}
message Job { optional ${META}.ObjectMeta metadata = 1; optional JobSpec spec = 2; optional JobStatus status = 3; }
message JobSpec {
  optional int32 parallelism = 1 [(keep_zero) = true];
  optional int32 completions = 2 [(keep_zero) = true];
  optional int64 activeDeadlineSeconds = 3 [(keep_zero) = true];
  optional ${META}.LabelSelector selector = 4;
  optional bool manualSelector = 5 [(keep_zero) = true];
  optional ${CORE}.PodTemplateSpec template = 6;
  optional int32 backoffLimit = 7 [(keep_zero) = true];
  optional int32 ttlSecondsAfterFinished = 8 [(keep_zero) = true];
  optional string completionMode = 9;
  optional bool suspend = 10 [(keep_zero) = true];
  optional int32 backoffLimitPerIndex = 12 [(keep_zero) = true];
  optional int32 maxFailedIndexes = 13 [(keep_zero) = true];
  optional string podReplacementPolicy = 14;
  optional string managedBy = 15;
}
message JobStatus {
  optional ${META}.Time startTime = 2;
  optional ${META}.Time completionTime = 3;
  optional int32 active = 4;
  optional int32 succeeded = 5;
  optional int32 failed = 6;
  optional string completedIndexes = 7;
  optional int32 ready = 9 [(keep_zero) = true];
  optional string failedIndexes = 10;
  optional int32 terminating = 11 [(keep_zero) = true];
}
message CronJob { optional ${META}.ObjectMeta metadata = 1; optional CronJobSpec spec = 2; optional CronJobStatus status = 3; }
message CronJobSpec {
  optional string schedule = 1 [(keep_zero) = true];
  optional int64 startingDeadlineSeconds = 2 [(keep_zero) = true];
  optional string concurrencyPolicy = 3;
  optional bool suspend = 4 [(keep_zero) = true];
  optional JobTemplateSpec jobTemplate = 5;
  optional int32 successfulJobsHistoryLimit = 6 [(keep_zero) = true];
  optional int32 failedJobsHistoryLimit = 7 [(keep_zero) = true];
  optional string timeZone = 8;
}
message JobTemplateSpec { optional ${META}.ObjectMeta metadata = 1; optional JobSpec spec = 2; }
message CronJobStatus { repeated ${CORE}.ObjectReference active = 1; optional ${META}.Time lastScheduleTime = 4; optional ${META}.Time lastSuccessfulTime = 5; }
`;

/** rbac/v1 Role, ClusterRole and their bindings. */
export const rbacV1Proto = `${header('k8s.io.api.rbac.v1')}
message PolicyRule { repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4; repeated string nonResourceURLs = 5; }
message Role { optional ${META}.ObjectMeta metadata = 1; repeated PolicyRule rules = 2; }
message ClusterRole { optional ${META}.ObjectMeta metadata = 1; repeated PolicyRule rules = 2; optional AggregationRule aggregationRule = 3; }
message AggregationRule { repeated ${META}.LabelSelector clusterRoleSelectors = 1; }
message Subject { optional string kind = 1 [(keep_zero) = true]; optional string apiGroup = 2; optional string name = 3 [(keep_zero) = true]; optional string namespace = 4; }
message RoleRef { optional string apiGroup = 1 [(keep_zero) = true]; optional string kind = 2 [(keep_zero) = true]; optional string name = 3 [(keep_zero) = true]; }
message RoleBinding { optional ${META}.ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
message ClusterRoleBinding { optional ${META}.ObjectMeta metadata = 1; repeated Subject subjects = 2; optional RoleRef roleRef = 3; }
`;

/** policy/v1 PodDisruptionBudget. */
export const policyV1Proto = `${header('k8s.io.api.policy.v1')}
message PodDisruptionBudget { optional ${META}.ObjectMeta metadata = 1; optional PodDisruptionBudgetSpec spec = 2; optional PodDisruptionBudgetStatus status = 3; }
message PodDisruptionBudgetSpec {
  optional ${INTSTR} minAvailable = 1;
  optional ${META}.LabelSelector selector = 2;
  optional ${INTSTR} maxUnavailable = 3;
  optional string unhealthyPodEvictionPolicy = 4;
}
message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1;
  map<string, ${META}.Time> disruptedPods = 2;
  optional int32 disruptionsAllowed = 3 [(keep_zero) = true];
  optional int32 currentHealthy = 4 [(keep_zero) = true];
  optional int32 desiredHealthy = 5 [(keep_zero) = true];
  optional int32 expectedPods = 6 [(keep_zero) = true];
  repeated ${META}.Condition conditions = 7;
}
`;

/** scheduling/v1 PriorityClass. */
export const schedulingV1Proto = `${header('k8s.io.api.scheduling.v1')}
message PriorityClass {
  optional ${META}.ObjectMeta metadata = 1;
  optional int32 value = 2 [(keep_zero) = true];
  optional bool globalDefault = 3;
  optional string description = 4;
  optional string preemptionPolicy = 5;
}
`;

/** networking/v1 Ingress. */
export const networkingV1Proto = `${header('k8s.io.api.networking.v1')}
message Ingress { optional ${META}.ObjectMeta metadata = 1; optional IngressSpec spec = 2; optional IngressStatus status = 3; }
message IngressSpec { optional IngressBackend defaultBackend = 1; repeated IngressTLS tls = 2; repeated IngressRule rules = 3; optional string ingressClassName = 4; }
message IngressBackend { optional ${CORE}.TypedLocalObjectReference resource = 3; optional IngressServiceBackend service = 4; }
message IngressServiceBackend { optional string name = 1; optional ServiceBackendPort port = 2; }
message ServiceBackendPort { optional string name = 1; optional int32 number = 2; }
message IngressTLS { repeated string hosts = 1; optional string secretName = 2; }
message IngressRule { optional string host = 1; optional IngressRuleValue ingressRuleValue = 2 [(inline) = true]; }
message IngressRuleValue { optional HTTPIngressRuleValue http = 1; }
message HTTPIngressRuleValue { repeated HTTPIngressPath paths = 1; }
message HTTPIngressPath { optional string path = 1; optional IngressBackend backend = 2; optional string pathType = 3; }
message IngressStatus { optional IngressLoadBalancerStatus loadBalancer = 1; }
message IngressLoadBalancerStatus { repeated IngressLoadBalancerIngress ingress = 1; }
message IngressLoadBalancerIngress { optional string ip = 1; optional string hostname = 2; }
`;

/** authentication/v1 TokenRequest (`kubectl create token`). */
export const authenticationV1Proto = `${header('k8s.io.api.authentication.v1')}
message TokenRequest { optional ${META}.ObjectMeta metadata = 1; optional TokenRequestSpec spec = 2; optional TokenRequestStatus status = 3; }
message TokenRequestSpec { repeated string audiences = 1; optional int64 expirationSeconds = 4 [(keep_zero) = true]; optional BoundObjectReference boundObjectRef = 3; }
message BoundObjectReference { optional string kind = 1; optional string apiVersion = 2; optional string name = 3; optional string uid = 4; }
message TokenRequestStatus { optional string token = 1 [(keep_zero) = true]; optional ${META}.Time expirationTimestamp = 2; }
`;

/** autoscaling/v1 HorizontalPodAutoscaler (`kubectl autoscale`). */
export const autoscalingV1Proto = `${header('k8s.io.api.autoscaling.v1')}
message HorizontalPodAutoscaler { optional ${META}.ObjectMeta metadata = 1; optional HorizontalPodAutoscalerSpec spec = 2; optional HorizontalPodAutoscalerStatus status = 3; }
message CrossVersionObjectReference { optional string kind = 1 [(keep_zero) = true]; optional string name = 2 [(keep_zero) = true]; optional string apiVersion = 3; }
message HorizontalPodAutoscalerSpec {
  optional CrossVersionObjectReference scaleTargetRef = 1;
  optional int32 minReplicas = 2 [(keep_zero) = true];
  optional int32 maxReplicas = 3 [(keep_zero) = true];
  optional int32 targetCPUUtilizationPercentage = 4 [(keep_zero) = true];
}
message HorizontalPodAutoscalerStatus {
  optional int64 observedGeneration = 1 [(keep_zero) = true];
  optional ${META}.Time lastScaleTime = 2;
  optional int32 currentReplicas = 3 [(keep_zero) = true];
  optional int32 desiredReplicas = 4 [(keep_zero) = true];
  optional int32 currentCPUUtilizationPercentage = 5 [(keep_zero) = true];
}
`;

/** authorization.k8s.io/v1 access reviews (`kubectl auth can-i`, `can-i --list`). */
export const authorizationV1Proto = `${header('k8s.io.api.authorization.v1')}
message ExtraValue { repeated string items = 1; }
message ResourceAttributes {
  optional string namespace = 1; optional string verb = 2; optional string group = 3; optional string version = 4;
  optional string resource = 5; optional string subresource = 6; optional string name = 7;
}
message NonResourceAttributes { optional string path = 1; optional string verb = 2; }
message SubjectAccessReviewStatus { optional bool allowed = 1 [(keep_zero) = true]; optional bool denied = 4; optional string reason = 2; optional string evaluationError = 3; }
message SelfSubjectAccessReviewSpec { optional ResourceAttributes resourceAttributes = 1; optional NonResourceAttributes nonResourceAttributes = 2; }
message SelfSubjectAccessReview { optional ${META}.ObjectMeta metadata = 1; optional SelfSubjectAccessReviewSpec spec = 2; optional SubjectAccessReviewStatus status = 3; }
message SubjectAccessReviewSpec {
  optional ResourceAttributes resourceAttributes = 1; optional NonResourceAttributes nonResourceAttributes = 2;
  optional string user = 3; repeated string groups = 4; map<string, ExtraValue> extra = 5; optional string uid = 6;
}
message SubjectAccessReview { optional ${META}.ObjectMeta metadata = 1; optional SubjectAccessReviewSpec spec = 2; optional SubjectAccessReviewStatus status = 3; }
message SelfSubjectRulesReviewSpec { optional string namespace = 1; }
message ResourceRule { repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4; }
message NonResourceRule { repeated string verbs = 1; repeated string nonResourceURLs = 2; }
message SubjectRulesReviewStatus {
  repeated ResourceRule resourceRules = 1; repeated NonResourceRule nonResourceRules = 2;
  optional bool incomplete = 3 [(keep_zero) = true]; optional string evaluationError = 4;
}
message SelfSubjectRulesReview { optional ${META}.ObjectMeta metadata = 1; optional SelfSubjectRulesReviewSpec spec = 2; optional SubjectRulesReviewStatus status = 3; }
`;
