import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedCluster, serveLocalCluster } from '../served-cluster.js';
import { Kubectl } from './kubectl.js';

/**
 * The real kubectl (the one on PATH) against an ApiServer over a whole
 * in-process cluster: each command's exit code and output checked, each
 * test with a fresh discovery cache.
 */

let served: ServedCluster;
let kubectl: Kubectl;

const deployment = (image: string, replicas = 2) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image, env: [{ name: 'MODE', value: 'demo' }] },
            { name: 'side', image: 'busybox' },
          ],
        },
      },
    },
  });

beforeAll(async () => {
  served = await serveLocalCluster({ nodes: 2, loopbackNet: 13 });
  const probe = await Kubectl.fresh(served.kubeconfig);
  const version = await probe.run(['version', '--client']);
  // Recorded in the test output: which kubectl these results are about.
  console.log(`kubectl under test: ${version.stdout.trim().replace(/\n/g, '; ')}`);
  expect(version.code).toBe(0);
});

afterAll(async () => {
  await served?.stop();
});

describe('kubectl against a Flotilla ApiServer', () => {
  beforeAll(async () => {
    kubectl = await Kubectl.fresh(served.kubeconfig);
  });

  it('version reports server v1.32 so the dispatcher runs kubectl 1.32', async () => {
    const r = await kubectl.run(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Server Version: v1\.32\./);
  });

  it('api-resources lists built-in kinds with short names, groups and scope', async () => {
    const r = await (await Kubectl.fresh(served.kubeconfig)).run(['api-resources']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(r.stdout).toMatch(/^nodes\s+no\s+v1\s+false\s+Node$/m);
  });

  it('get nodes prints kubectl columns; -o wide adds INTERNAL-IP', async () => {
    const r = await kubectl.run(['get', 'nodes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/m);
    expect(r.stdout).toMatch(/^node-1\s+Ready\s+<none>\s+\S+\s+v\S+$/m);
    const wide = await kubectl.run(['get', 'nodes', '-o', 'wide']);
    expect(wide.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP/m);
  });

  it('apply -f creates a deployment that becomes Available (wait --for=condition=Available)', async () => {
    const created = await kubectl.run(['apply', '-f', '-'], deployment('nginx:1.27'));
    expect(created).toMatchObject({ code: 0, stdout: 'deployment.apps/web created\n' });
    const waited = await kubectl.run(['wait', '--for=condition=Available', 'deploy/web', '--timeout=60s']);
    expect(waited).toMatchObject({ code: 0, stdout: 'deployment.apps/web condition met\n' });
    const status = await kubectl.run(['rollout', 'status', 'deploy/web', '--timeout=60s']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
  });

  it('apply -f with a changed manifest updates by strategic merge and keeps untouched list items', async () => {
    const changed = await kubectl.run(['apply', '-f', '-'], deployment('nginx:1.28'));
    expect(changed).toMatchObject({ code: 0, stdout: 'deployment.apps/web configured\n' });
    const images = await kubectl.run([
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={range .spec.template.spec.containers[*]}{.name}={.image};{end}{.spec.template.spec.containers[0].env[0].value}',
    ]);
    expect(images).toMatchObject({ code: 0, stdout: 'web=nginx:1.28;side=busybox;demo' });
    expect((await kubectl.run(['rollout', 'status', 'deploy/web', '--timeout=60s'])).code).toBe(0);
  });

  it('get pods: READY STATUS RESTARTS AGE; -o wide adds IP and NODE; -A adds NAMESPACE; -l and --show-labels', async () => {
    const plain = await kubectl.run(['get', 'pods', '-l', 'app=web']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    expect(plain.stdout).toMatch(/^web-\S+\s+2\/2\s+Running\s+0\s+\S+$/m);
    const wide = await kubectl.run(['get', 'pods', '-o', 'wide']);
    expect(wide.stdout).toMatch(
      /^web-\S+\s+2\/2\s+Running\s+0\s+\S+\s+127\.13\.\d+\.\d+\s+node-\d\s+<none>\s+<none>$/m,
    );
    const all = await kubectl.run(['get', 'pods', '-A']);
    expect(all.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY/m);
    expect(all.stdout).toMatch(/^default\s+web-/m);
    const labels = await kubectl.run(['get', 'deploy', '--show-labels']);
    expect(labels.stdout).toMatch(/^web\s+2\/2\s+2\s+2\s+\S+\s+app=web$/m);
    const none = await kubectl.run(['get', 'pods', '-l', 'app=nothing']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toContain('No resources found in default namespace.');
  });

  it('get -o yaml and -o jsonpath print the stored object', async () => {
    const yaml = await kubectl.run(['get', 'deploy', 'web', '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^kind: Deployment$/m);
    expect(yaml.stdout).toMatch(/^ {2}name: web$/m);
    const replicas = await kubectl.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']);
    expect(replicas).toMatchObject({ code: 0, stdout: '2' });
  });

  it('get -w prints the list, then a row for a change that arrives', async () => {
    const watch = kubectl.start(['get', 'deploy', 'web', '-w']);
    try {
      await watch.until((l) => /^web\s+2\/2/.test(l));
      expect((await kubectl.run(['label', 'deploy', 'web', 'watched=yes'])).code).toBe(0);
      expect((await kubectl.run(['scale', 'deploy/web', '--replicas=3'])).code).toBe(0);
      const row = await watch.until((l) => /^web\s+\d\/3/.test(l));
      expect(row).toMatch(/^web\s+\d\/3\s+\d+\s+\d+\s+\S+$/);
    } finally {
      watch.child.kill();
    }
    expect((await kubectl.run(['rollout', 'status', 'deploy/web', '--timeout=60s'])).code).toBe(0);
  });

  it('describe pod, deployment and node', async () => {
    const pod = (await kubectl.run(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}']))
      .stdout;
    const described = await kubectl.run(['describe', 'pod', pod]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(new RegExp(`^Name:\\s+${pod}$`, 'm'));
    expect(described.stdout).toMatch(/^Node:\s+node-\d\//m);
    expect(described.stdout).toMatch(/^Events:/m);
    expect(described.stdout).toMatch(/Started container web/);
    const deploy = await kubectl.run(['describe', 'deployment', 'web']);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toMatch(/^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m);
    const node = await kubectl.run(['describe', 'node', 'node-1']);
    expect(node.code).toBe(0);
    expect(node.stdout).toMatch(/^ {2}Ready\s+True/m);
  });

  it('scale, set image, rollout history, undo and restart', async () => {
    expect(await kubectl.run(['scale', 'deploy/web', '--replicas=2'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web scaled\n',
    });
    expect(await kubectl.run(['set', 'image', 'deploy/web', 'web=nginx:1.29'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web image updated\n',
    });
    expect((await kubectl.run(['rollout', 'status', 'deploy/web', '--timeout=60s'])).code).toBe(0);
    const history = await kubectl.run(['rollout', 'history', 'deploy/web']);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^1\s+<none>$/m);
    expect(history.stdout).toMatch(/^3\s+<none>$/m);
    expect(await kubectl.run(['rollout', 'undo', 'deploy/web'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web rolled back\n',
    });
    expect((await kubectl.run(['rollout', 'status', 'deploy/web', '--timeout=60s'])).code).toBe(0);
    const image = await kubectl.run([
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image.stdout).toBe('nginx:1.28');
    expect(await kubectl.run(['rollout', 'restart', 'deploy/web'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web restarted\n',
    });
    expect((await kubectl.run(['rollout', 'status', 'deploy/web', '--timeout=60s'])).code).toBe(0);
  });

  it('label, annotate and patch (merge, json, strategic)', async () => {
    expect((await kubectl.run(['label', 'deploy', 'web', 'tier=front'])).stdout).toBe('deployment.apps/web labeled\n');
    expect((await kubectl.run(['annotate', 'deploy', 'web', 'note=hi'])).stdout).toBe(
      'deployment.apps/web annotated\n',
    );
    const merge = await kubectl.run([
      'patch',
      'deploy',
      'web',
      '--type=merge',
      '-p',
      '{"metadata":{"labels":{"m":"1"}}}',
    ]);
    const json = await kubectl.run([
      'patch',
      'deploy',
      'web',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/j","value":"2"}]',
    ]);
    const strategic = await kubectl.run([
      'patch',
      'deploy',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox:1.36"}]}}}}',
    ]);
    for (const r of [merge, json, strategic])
      expect(r).toMatchObject({ code: 0, stdout: 'deployment.apps/web patched\n' });
    const got = await kubectl.run([
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={.metadata.labels.tier},{.metadata.labels.m},{.metadata.labels.j},{.metadata.annotations.note},{range .spec.template.spec.containers[*]}{.image};{end}',
    ]);
    expect(got.stdout).toBe('front,1,2,hi,nginx:1.28;busybox:1.36;');
    const badJson = await kubectl.run([
      'patch',
      'deploy',
      'web',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/spec/replicas","value":7}]',
    ]);
    expect(badJson.code).toBe(1);
    // A 422 without an object kind: kubectl words it "The request is invalid", as for kube-apiserver.
    expect(badJson.stderr).toBe(
      'The request is invalid: operation 0: /spec/replicas: test failed: the value differs\n',
    );
  });

  it('apply --server-side creates, reports a conflict with another manager, and takes over with --force-conflicts', async () => {
    const cm = (a: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a, b: '2' } });
    expect(await kubectl.run(['apply', '--server-side', '-f', '-'], cm('1'))).toMatchObject({
      code: 0,
      stdout: 'configmap/cfg serverside-applied\n',
    });
    expect((await kubectl.run(['patch', 'cm', 'cfg', '--type=merge', '-p', '{"data":{"a":"x"}}'])).code).toBe(0);
    const conflict = await kubectl.run(['apply', '--server-side', '-f', '-'], cm('1'));
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.a');
    const forced = await kubectl.run(['apply', '--server-side', '--force-conflicts', '-f', '-'], cm('1'));
    expect(forced).toMatchObject({ code: 0, stdout: 'configmap/cfg serverside-applied\n' });
    expect((await kubectl.run(['get', 'cm', 'cfg', '-o', 'jsonpath={.data.a}'])).stdout).toBe('1');
  });

  it('cordon and uncordon a node', async () => {
    expect(await kubectl.run(['cordon', 'node-2'])).toMatchObject({ code: 0, stdout: 'node/node-2 cordoned\n' });
    expect((await kubectl.run(['get', 'node', 'node-2'])).stdout).toMatch(/^node-2\s+Ready,SchedulingDisabled\s/m);
    expect(await kubectl.run(['uncordon', 'node-2'])).toMatchObject({ code: 0, stdout: 'node/node-2 uncordoned\n' });
    expect((await kubectl.run(['get', 'node', 'node-2'])).stdout).toMatch(/^node-2\s+Ready\s/m);
  });

  it('explain reads the OpenAPI documents', async () => {
    const r = await kubectl.run(['explain', 'deployment.spec.replicas']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^KIND:\s+Deployment$/m);
    expect(r.stdout).toMatch(/^FIELD:\s+replicas <integer>$/m);
  });

  it('diff shows what an apply would change (exit 1) and nothing for the live state (exit 0)', async () => {
    const changed = await kubectl.run(['diff', '-f', '-'], deployment('nginx:1.30'));
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^\+\s+image: nginx:1\.30$/m);
    const live = await kubectl.run(['get', 'deploy', 'web', '-o', 'json']);
    const same = await kubectl.run(['diff', '-f', '-'], live.stdout);
    expect(same).toMatchObject({ code: 0, stdout: '' });
  });

  it.each([
    [['create', 'namespace', 'kc-ns'], 'namespace/kc-ns created'],
    [['create', 'configmap', 'kc-cm', '--from-literal=a=b'], 'configmap/kc-cm created'],
    [['create', 'secret', 'generic', 'kc-secret', '--from-literal=x=y'], 'secret/kc-secret created'],
    [['create', 'serviceaccount', 'kc-sa'], 'serviceaccount/kc-sa created'],
    [['create', 'deployment', 'kc-deploy', '--image=nginx', '--replicas=1'], 'deployment.apps/kc-deploy created'],
    [['create', 'job', 'kc-job', '--image=busybox'], 'job.batch/kc-job created'],
    [['create', 'cronjob', 'kc-cron', '--image=busybox', '--schedule=*/5 * * * *'], 'cronjob.batch/kc-cron created'],
  ])('kubectl %j (a protobuf body) creates the object', async (args, printed) => {
    expect(await kubectl.run(args)).toMatchObject({ code: 0, stdout: `${printed}\n` });
  });

  it('autoscale posts an autoscaling/v1 HPA, served from v2 storage', async () => {
    expect(await kubectl.run(['autoscale', 'deploy/kc-deploy', '--max=3', '--cpu-percent=60'])).toMatchObject({
      code: 0,
      stdout: 'horizontalpodautoscaler.autoscaling/kc-deploy autoscaled\n',
    });
    const hpa = await kubectl.run(['get', 'hpa', 'kc-deploy']);
    expect(hpa.stdout).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
    expect(hpa.stdout).toMatch(/^kc-deploy\s+Deployment\/kc-deploy\s+cpu: \S+\/60%\s+1\s+3\s/m);
  });

  it('a CustomResourceDefinition: its kind is discovered, printed with its columns and categories, served at each version', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['gadgets'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            additionalPrinterColumns: [
              { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
              { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 },
            ],
          },
          {
            name: 'v1beta1',
            served: true,
            storage: false,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    expect((await kubectl.run(['apply', '-f', '-'], JSON.stringify(crd))).code).toBe(0);
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec: { size: 3, color: 'blue' },
    };
    const fresh = await Kubectl.fresh(served.kubeconfig);
    expect(await fresh.run(['apply', '--validate=false', '-f', '-'], JSON.stringify(widget))).toMatchObject({
      code: 0,
      stdout: 'widget.example.com/w1 created\n',
    });
    expect((await fresh.run(['get', 'wd'])).stdout).toMatch(/^NAME\s+SIZE\s*\nw1\s+3\s*$/m);
    expect((await fresh.run(['get', 'gadgets', '-o', 'wide'])).stdout).toMatch(/^w1\s+3\s+blue\s*$/m);
    const beta = await fresh.run(['get', 'widgets.v1beta1.example.com', 'w1', '-o', 'jsonpath={.apiVersion}']);
    expect(beta).toMatchObject({ code: 0, stdout: 'example.com/v1beta1' });
  });

  it('errors come back as Kubernetes Status: NotFound for a missing pod', async () => {
    const r = await kubectl.run(['get', 'pod', 'nosuch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "nosuch" not found\n');
  });

  it('delete --cascade=orphan keeps the replica sets; --cascade=foreground removes their pods first', async () => {
    expect(await kubectl.run(['delete', 'deploy', 'web', '--cascade=orphan'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps "web" deleted\n',
    });
    const left = await kubectl.run(['get', 'rs', '-l', 'app=web', '-o', 'name']);
    expect(left.stdout).toMatch(/^replicaset\.apps\/web-/m);
    const gone = await kubectl.run(['delete', 'rs', '-l', 'app=web', '--cascade=foreground', '--timeout=60s']);
    expect(gone.code).toBe(0);
    expect(gone.stdout).toMatch(/^replicaset\.apps "web-\S+" deleted$/m);
    const after = await kubectl.run(['get', 'rs,pods', '-l', 'app=web', '-o', 'name']);
    expect(after.stdout).not.toMatch(/^replicaset/m);
  });
});
