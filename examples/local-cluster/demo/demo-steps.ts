import type { KernelProxy } from '../kernel-proxy.js';
import type { DemoStep, ObjectRef } from './step.js';
import { autoscaleStep } from './steps/autoscale.js';
import { convergeStep } from './steps/converge.js';
import { dnsStep } from './steps/dns.js';
import { healNodeStep } from './steps/heal-node.js';
import { healPodStep } from './steps/heal-pod.js';
import { kernelRulesStep } from './steps/kernel-rules.js';
import { rollingUpdateStep } from './steps/rolling-update.js';
import { scaleStep } from './steps/scale.js';
import { serviceStep } from './steps/service.js';

/**
 * The demo, in order: apply and converge, scale, roll, heal a pod and a
 * node, call the service, resolve it, (show the kernel rules, with
 * `--proxy`), autoscale.
 */
export function demoSteps(manifestsDir: string, kernel?: KernelProxy): DemoStep[] {
  return [
    convergeStep(manifestsDir),
    on(scaleStep(6), web),
    on(rollingUpdateStep('flotilla/web:1.1'), web, webService),
    on(healPodStep, web),
    on(healNodeStep, web),
    on(serviceStep, web, webService),
    on(dnsStep, webService),
    ...(kernel ? [on(kernelRulesStep(kernel), web, webService)] : []),
    on(autoscaleStep, web, webAutoscaler),
  ];
}

/** The demo's objects, from the bundled manifests: a step without them is skipped. */
const web: ObjectRef = { kind: 'Deployment', namespace: 'default', name: 'web' };
const webService: ObjectRef = { kind: 'Service', namespace: 'default', name: 'web' };
const webAutoscaler: ObjectRef = { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' };

function on(step: DemoStep, ...objects: ObjectRef[]): DemoStep {
  return { ...step, objects };
}
