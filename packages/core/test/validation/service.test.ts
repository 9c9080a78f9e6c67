import { describe, expect, it } from 'vitest';
import { defaultService } from '../../src/defaulting/service.js';
import type { Service, ServiceSpec } from '../../src/model/core-v1.js';
import { validateService } from '../../src/validation/service.js';
import { expectFieldErrors } from './expect-field-errors.js';

const svc = (spec: ServiceSpec): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec,
});
const messages = (s: Service, old?: Service) => validateService(s, old).map((e) => `${e.field}: ${e.message}`);

describe('validateService', () => {
  it.each<[string, ServiceSpec]>([
    ['a ClusterIP service', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }],
    [
      'named ports',
      {
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          { name: 'https', port: 443 },
        ],
      },
    ],
    ['a headless service without ports', { clusterIP: 'None', selector: { app: 'db' } }],
    ['an ExternalName', { type: 'ExternalName', externalName: 'db.example.com' }],
    [
      'a NodePort with Local policy',
      { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }] },
    ],
    ['a fixed clusterIP', { clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }] }],
    // A DNS-1123 label, as kubectl create service names its ports; a container port name would need a letter.
    ['a port named as kubectl create service names it', { ports: [{ name: '80-8080', port: 80, targetPort: 8080 }] }],
  ])('accepts %s (also after defaulting)', (_, spec) => {
    const s = svc(spec);
    expect(messages(s)).toEqual([]);
    defaultService(s);
    expect(messages(s)).toEqual([]);
  });

  it.each<[string, ServiceSpec, string[]]>([
    ['no ports', { selector: { app: 'web' } }, ['spec.ports: Required value']],
    [
      'port 0',
      { ports: [{ port: 0 }] },
      ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    ],
    [
      'a port name that is not a DNS-1123 label',
      { ports: [{ name: 'Http_1', port: 80 }] },
      [
        "spec.ports[0].name: Invalid value: \"Http_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      'unnamed ports when there are two',
      { ports: [{ port: 80 }, { name: 'b', port: 81 }] },
      ['spec.ports[0].name: Required value'],
    ],
    [
      'duplicate port names',
      {
        ports: [
          { name: 'a', port: 80 },
          { name: 'a', port: 81 },
        ],
      },
      ['spec.ports[1].name: Duplicate value: "a"'],
    ],
    [
      'a bad targetPort name',
      { ports: [{ port: 80, targetPort: 'http!' }] },
      ['spec.ports[0].targetPort: Invalid value: "http!": must contain only alpha-numeric characters'],
    ],
    [
      'a nodePort out of syntax range',
      { type: 'NodePort', ports: [{ port: 80, nodePort: 70000 }] },
      ['spec.ports[0].nodePort: Invalid value: 70000: must be between 1 and 65535'],
    ],
    [
      'a nodePort on ClusterIP',
      { ports: [{ port: 80, nodePort: 30000 }] },
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      'a bad type',
      { type: 'Magic' as 'ClusterIP', ports: [{ port: 80 }] },
      [
        'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"',
      ],
    ],
    [
      'a bad clusterIP',
      { clusterIP: '10.0.0.300', ports: [{ port: 80 }] },
      ['spec.clusterIP: Invalid value: "10.0.0.300": must be a valid IP address'],
    ],
    [
      'a shell string as clusterIP',
      { clusterIP: '1.2.3.4;reboot', ports: [{ port: 80 }] },
      ['spec.clusterIP: Invalid value: "1.2.3.4;reboot": must be a valid IP address'],
    ],
    ['ExternalName without a name', { type: 'ExternalName' }, ['spec.externalName: Required value']],
    [
      'a bad selector label',
      { selector: { app: 'we b' }, ports: [{ port: 80 }] },
      ['spec.selector: Invalid value: "we b": a valid label must be'],
    ],
    [
      'a bad session affinity',
      { sessionAffinity: 'Sticky' as 'None', ports: [{ port: 80 }] },
      ['spec.sessionAffinity: Unsupported value: "Sticky"'],
    ],
    [
      'externalTrafficPolicy on ClusterIP',
      { externalTrafficPolicy: 'Local', ports: [{ port: 80 }] },
      ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    ],
  ])('rejects %s', (_, spec, expected) => {
    expectFieldErrors(messages(svc(spec)), expected);
  });

  it('keeps clusterIP immutable once set', () => {
    const old = svc({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
    expect(messages(svc({ clusterIP: '10.96.0.11', ports: [{ port: 80 }] }), old)).toEqual([
      'spec.clusterIP: Invalid value: "10.96.0.11": field is immutable',
    ]);
    expect(messages(svc({ clusterIP: '10.96.0.10', ports: [{ port: 81 }] }), old)).toEqual([]);
    expect(messages(svc({ clusterIP: '10.96.0.12', ports: [{ port: 80 }] }), svc({ ports: [{ port: 80 }] }))).toEqual(
      [],
    );
  });
});
