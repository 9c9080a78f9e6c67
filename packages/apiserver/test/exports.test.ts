import { describe, expect, it } from 'vitest';
import * as apiserver from '../src/index.js';

describe('@flotilla/apiserver public surface', () => {
  it('exports exactly these runtime values (change this list on purpose only)', () => {
    expect(Object.keys(apiserver).sort()).toEqual([
      'AGGREGATED_DISCOVERY_CONTENT_TYPE',
      'ApiServer',
      'BEFORE_FIRST_APPLY',
      'DEFAULT_METRIC_RESOLUTION_MS',
      'HttpStatusError',
      'KubeletSummaryMetrics',
      'MAX_JSON_PATCH_COPY_BYTES',
      'MAX_JSON_PATCH_OPERATIONS',
      'MAX_PATCH_DEPTH',
      'METRICS_GROUP',
      'METRICS_VERSION',
      'NON_STRATEGIC_PATCH_TYPES',
      'PROTOBUF_CONTENT_TYPE',
      'PROTOBUF_MAGIC',
      'PatchAppliers',
      'PatchError',
      'ProtobufDecodeError',
      'SERVED_KUBERNETES_VERSION',
      'UnsupportedPatchTypeError',
      'alwaysAllowAuthorizer',
      'anonymousAuthenticator',
      'anonymousUser',
      'applyJsonPatch',
      'applyStrategicMergePatch',
      'builtinFieldSchema',
      'column',
      'decodeProtobufObject',
      'defaultServerLimits',
      'defaultWatchOptions',
      'encodeProtobufObject',
      'generateServingCertificate',
      'kubeconfigFor',
      'openApiV2',
      'openApiV3GroupVersion',
      'openApiV3Index',
      'protobufKinds',
      'recordUpdate',
      'serverSideApply',
      'statusFromError',
      'writeKubeconfig',
    ]);
  });
});
