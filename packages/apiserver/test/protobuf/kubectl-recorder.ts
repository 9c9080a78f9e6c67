import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request kubectl sent with a body. */
export interface RecordedRequest {
  method: string;
  url: string;
  contentType: string;
  body: Buffer;
}

interface Served {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  subresources?: string[];
}

/** The kinds `kubectl create` and `kubectl autoscale` post, and what they need to look up. */
const served: Served[] = [
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    subresources: ['token'],
  },
  { group: '', version: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    subresources: ['scale'],
  },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  },
  { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true },
  { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', kind: 'PriorityClass', namespaced: false },
  { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', namespaced: true },
  {
    group: 'autoscaling',
    version: 'v1',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
];

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function discovery(core: boolean) {
  const groups = new Map<string, Served[]>();
  for (const s of served) if ((s.group === '') === core) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...groups].map(([group, kinds]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: kinds.map((s) => ({
            resource: s.resource,
            responseKind: { group: s.group, version: s.version, kind: s.kind },
            scope: s.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: s.kind.toLowerCase(),
            verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
            subresources: (s.subresources ?? []).map((sub) => ({
              subresource: sub,
              responseKind: { group: '', version: 'v1', kind: sub === 'token' ? 'TokenRequest' : 'Scale' },
              verbs: ['create', 'get', 'patch', 'update'],
            })),
          })),
          freshness: 'Current',
        },
      ],
    })),
  };
}

/** What the recorder answers for a write or a read: a minimal object of the kind the URL names. */
function objectFor(url: string): Record<string, unknown> {
  const path = url.split('?')[0].split('/').filter(Boolean);
  if (path.at(-1) === 'token')
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: path.at(-2) },
      spec: { audiences: [] },
      status: { token: 'recorded-token', expirationTimestamp: '2026-01-01T00:00:00Z' },
    };
  const s = served.find((candidate) => path.includes(candidate.resource));
  const name = s && path.indexOf(s.resource) < path.length - 1 ? path.at(-1) : 'recorded';
  return {
    kind: s?.kind ?? 'Status',
    apiVersion: s ? (s.group ? `${s.group}/${s.version}` : s.version) : 'v1',
    metadata: { name, namespace: 'default', uid: '00000000-0000-0000-0000-000000000001' },
    ...(s?.kind === 'Deployment'
      ? { spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { spec: { containers: [] } } } }
      : {}),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A loopback HTTP server that answers kubectl just enough (version,
 * aggregated discovery, a minimal object for every read and write) and
 * records every request body, so tests see the bytes kubectl really sends.
 */
export class KubectlRecorder {
  readonly requests: RecordedRequest[] = [];

  /** `route` may answer a GET first (OpenAPI documents, say): a body and its content type, or undefined. */
  constructor(private readonly route?: (path: string, url: URL) => { type: string; body: unknown } | undefined) {}
  private server?: Server;
  private dir = '';

  /** Starts the server and writes a kubeconfig for it; returns the kubeconfig path. */
  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const body = await readBody(req);
      const url = req.url ?? '/';
      if (body.length > 0)
        this.requests.push({ method: req.method ?? '', url, contentType: req.headers['content-type'] ?? '', body });
      const send = (status: number, type: string, payload: unknown) => {
        res.writeHead(status, { 'content-type': type });
        res.end(JSON.stringify(payload));
      };
      const path = url.split('?')[0];
      const routed = req.method === 'GET' ? this.route?.(path, new URL(url, 'http://recorder')) : undefined;
      if (routed) return send(200, routed.type, routed.body);
      if (path === '/version') return send(200, 'application/json', { major: '1', minor: '32', gitVersion: 'v1.32.4' });
      if (path === '/api' || path === '/apis') return send(200, AGGREGATED, discovery(path === '/api'));
      if (req.method === 'GET' || req.method === 'POST' || req.method === 'PUT')
        return send(req.method === 'POST' ? 201 : 200, 'application/json', objectFor(url));
      return send(404, 'application/json', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.dir = await mkdtemp(join(tmpdir(), 'kubectl-recorder-'));
    const kubeconfig = join(this.dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: rec, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
        'users: [{name: rec, user: {token: recorder}}]',
        'contexts: [{name: rec, context: {cluster: rec, user: rec, namespace: default}}]',
        'current-context: rec',
      ].join('\n'),
    );
    return kubeconfig;
  }

  /** Runs the kubectl on PATH with a fresh cache dir (options after `args`, before any `--`); resolves with its exit code and output. */
  kubectl(
    kubeconfig: string,
    args: string[],
    extra: string[] = [],
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const options = [
      ...extra,
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      join(this.dir, `cache-${this.requests.length}`),
    ];
    const end = args.includes('--') ? args.indexOf('--') : args.length;
    // Options go before `--`, after which everything is the container's command.
    const all = [...args.slice(0, end), ...options, ...args.slice(end)];
    return new Promise((resolve) => {
      execFile('kubectl', all, { timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
