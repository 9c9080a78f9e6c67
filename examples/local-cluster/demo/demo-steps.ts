import type { KernelProxy } from '../kernel-proxy.js';
import type { DemoStep } from './step.js';
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
    scaleStep(6),
    rollingUpdateStep('flotilla/web:1.1'),
    healPodStep,
    healNodeStep,
    serviceStep,
    dnsStep,
    ...(kernel ? [kernelRulesStep(kernel)] : []),
    autoscaleStep,
  ];
}
