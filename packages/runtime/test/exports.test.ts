import { describe, expect, it } from 'vitest';
import * as conformance from '../src/conformance/index.js';
import * as runtime from '../src/index.js';

describe('@flotilla/runtime public surface', () => {
  it('exports exactly these runtime values (change this list on purpose only)', () => {
    expect(Object.keys(runtime).sort()).toEqual([
      'AGENT_VERSION',
      'CHANNEL_PROTOCOLS',
      'CRASH_LOOP_BACKOFF',
      'CrashLoopBackoff',
      'DockerRuntime',
      'FakeRuntime',
      'IpAllocator',
      'KubeletServer',
      'LogFrameDecoder',
      'NODE_LEASE_DURATION_SECONDS',
      'NODE_LEASE_NAMESPACE',
      'NODE_LEASE_RENEW_INTERVAL_MS',
      'NODE_NAME_LABEL',
      'NodeAgent',
      'PodImagePuller',
      'PodVolumes',
      'PodWorker',
      'ProbeWorker',
      'RuntimeError',
      'SANDBOX_COMMAND',
      'SocketNetworkProber',
      'UsageHistory',
      'admissionFailure',
      'buildStatsSummary',
      'computePodStatus',
      'containerEnv',
      'criAnnotations',
      'criLabels',
      'decodeLabels',
      'dockerLabels',
      'dockerName',
      'dockerStatus',
      'downwardApiFile',
      'encodeLabels',
      'execKey',
      'hookFailureMessage',
      'isRuntimeError',
      'linuxResources',
      'logTimestamp',
      'logWindow',
      'machineCapacity',
      'machineIP',
      'matchesContainerFilter',
      'matchesSandboxFilter',
      'normalizeImageRef',
      'persistentVolumePath',
      'podField',
      'podPhase',
      'podRequests',
      'readJsonLabel',
      'registerNode',
      'renewNodeLease',
      'resourceMetricsText',
      'runLifecycleHook',
      'runProbeHandler',
      'selfSignedNodeCertificate',
      'serviceEnv',
      'simulateCommand',
      'toCriUsage',
      'toRuntimeError',
      'writeProjection',
    ]);
  });

  it('exports exactly these from the separate entry @flotilla/runtime/conformance', () => {
    expect(Object.keys(conformance).sort()).toEqual([
      'describeRuntimeConformance',
      'fakeRuntimeFixture',
      'shellFixture',
    ]);
  });
});
