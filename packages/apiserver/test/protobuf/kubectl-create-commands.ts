/**
 * `kubectl create` / `kubectl autoscale` invocations whose protobuf bodies
 * are kept as fixtures: every generator kind, with the options that fill
 * the most fields. `name` is the fixture's file name.
 */
export const kubectlCreateCommands: { name: string; args: string[]; clientDryRun: boolean }[] = [
  { name: 'namespace', args: ['create', 'namespace', 'ns1'], clientDryRun: true },
  {
    name: 'configmap',
    args: ['create', 'configmap', 'cm1', '--from-literal=a=b', '--from-literal=c=d'],
    clientDryRun: true,
  },
  {
    name: 'secret-generic',
    args: ['create', 'secret', 'generic', 's1', '--from-literal=k=v', '--type=Opaque'],
    clientDryRun: true,
  },
  {
    name: 'secret-docker-registry',
    args: [
      'create',
      'secret',
      'docker-registry',
      's2',
      '--docker-server=r.example',
      '--docker-username=u',
      '--docker-password=p',
    ],
    clientDryRun: true,
  },
  {
    name: 'deployment',
    args: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'],
    clientDryRun: true,
  },
  {
    name: 'deployment-zero-replicas',
    args: ['create', 'deployment', 'idle', '--image=nginx', '--replicas=0'],
    clientDryRun: true,
  },
  { name: 'job', args: ['create', 'job', 'j1', '--image=busybox', '--', 'echo', 'hi'], clientDryRun: true },
  {
    name: 'cronjob',
    args: [
      'create',
      'cronjob',
      'cj1',
      '--image=busybox',
      '--schedule=*/5 * * * *',
      '--restart=OnFailure',
      '--',
      'date',
    ],
    clientDryRun: true,
  },
  { name: 'service-clusterip', args: ['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080'], clientDryRun: true },
  {
    name: 'service-nodeport',
    args: ['create', 'service', 'nodeport', 'svc2', '--tcp=80:http', '--node-port=30080'],
    clientDryRun: true,
  },
  {
    name: 'service-externalname',
    args: ['create', 'service', 'externalname', 'svc3', '--external-name=example.com'],
    clientDryRun: true,
  },
  { name: 'serviceaccount', args: ['create', 'serviceaccount', 'sa1'], clientDryRun: true },
  {
    name: 'role',
    args: ['create', 'role', 'r1', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=a'],
    clientDryRun: true,
  },
  {
    name: 'rolebinding',
    args: ['create', 'rolebinding', 'rb1', '--role=r1', '--user=alice', '--serviceaccount=default:sa1'],
    clientDryRun: true,
  },
  {
    name: 'clusterrole',
    args: ['create', 'clusterrole', 'cr1', '--verb=get', '--non-resource-url=/healthz'],
    clientDryRun: true,
  },
  {
    name: 'clusterrole-aggregated',
    args: ['create', 'clusterrole', 'cr2', '--aggregation-rule=rbac.example.com/aggregate=true'],
    clientDryRun: true,
  },
  {
    name: 'clusterrolebinding',
    args: ['create', 'clusterrolebinding', 'crb1', '--clusterrole=cr1', '--group=devs'],
    clientDryRun: true,
  },
  {
    name: 'pdb-min-available',
    args: ['create', 'poddisruptionbudget', 'pdb1', '--selector=app=web', '--min-available=50%'],
    clientDryRun: true,
  },
  {
    name: 'pdb-max-unavailable',
    args: ['create', 'poddisruptionbudget', 'pdb2', '--selector=app=web', '--max-unavailable=1'],
    clientDryRun: true,
  },
  {
    name: 'priorityclass',
    args: ['create', 'priorityclass', 'pc1', '--value=1000', '--description=high', '--preemption-policy=Never'],
    clientDryRun: true,
  },
  {
    name: 'quota',
    args: ['create', 'quota', 'q1', '--hard=cpu=1,memory=1G,pods=10', '--scopes=BestEffort'],
    clientDryRun: true,
  },
  {
    name: 'ingress',
    args: [
      'create',
      'ingress',
      'ing1',
      '--class=nginx',
      '--rule=foo.com/bar*=svc1:8080,tls=my-cert',
      '--rule=/exact=svc2:http',
      '--default-backend=svc3:80',
    ],
    clientDryRun: true,
  },
  {
    name: 'token',
    args: ['create', 'token', 'sa1', '--audience=api', '--duration=10m'],
    clientDryRun: false,
  },
  {
    name: 'autoscale',
    args: ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80'],
    clientDryRun: true,
  },
];
