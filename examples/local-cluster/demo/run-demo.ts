import { isReason } from '@flotilla/core';
import type { DemoContext, DemoStep, ObjectRef, StepResult } from './step.js';

/** The step's objects that are not in the cluster, as `deployment default/web`. */
async function absentObjects(ctx: DemoContext, objects: readonly ObjectRef[]): Promise<string[]> {
  const absent: string[] = [];
  for (const o of objects) {
    try {
      await ctx.cluster.api.resource(o.kind).get(o.namespace, o.name);
    } catch (err) {
      if (!isReason(err, 'NotFound')) throw err;
      absent.push(`${o.kind.toLowerCase()} ${o.namespace}/${o.name}`);
    }
  }
  return absent;
}

/**
 * Runs the steps in order: prints each one's explanation first, skips a
 * step whose controllers the preset lacks or whose objects are absent
 * (saying which), and records how
 * each ended. A failed step is reported and the demo goes on, so one
 * failure does not hide the rest.
 */
export async function runDemo(ctx: DemoContext, steps: readonly DemoStep[]): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const st = ctx.display.style;
  for (const [i, step] of steps.entries()) {
    if (ctx.pauseMs > 0) await ctx.clock.sleep(ctx.pauseMs);
    ctx.display.say('');
    ctx.display.say(st.bold(`Step ${i + 1}/${steps.length}: ${step.title}`));
    ctx.display.say(step.explain);
    const started = ctx.clock.now();
    const missing = (step.needs ?? []).filter((n) => !ctx.cluster.controllers.includes(n));
    const absent = await absentObjects(ctx, step.objects ?? []);
    const unsupported =
      missing.length > 0
        ? `needs the ${missing.join(', ')} controller(s), which this build of @flotilla/controllers does not have`
        : absent.length > 0
          ? `needs ${absent.join(', ')}, which the applied manifests do not have`
          : step.unsupported?.(ctx);
    let result: StepResult;
    if (unsupported) {
      result = { title: step.title, outcome: 'skipped', detail: unsupported, ms: 0 };
    } else {
      try {
        const detail = await step.run(ctx);
        result = { title: step.title, outcome: 'ok', detail, ms: ctx.clock.now() - started };
      } catch (err) {
        result = {
          title: step.title,
          outcome: 'failed',
          detail: (err as Error).message,
          ms: ctx.clock.now() - started,
        };
      }
    }
    const mark =
      result.outcome === 'ok' ? st.green('ok') : result.outcome === 'failed' ? st.red('FAILED') : st.yellow('skipped');
    ctx.display.say(`=> ${mark}: ${result.detail}`);
    results.push(result);
  }
  return results;
}
