import { Api, FakeClock, InformerFactory, MemoryStore } from '@flotilla/core';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { SchedulerTokens, schedulerModule } from '../src/di/scheduler-module.js';
import { Scheduler, type SchedulerOptions } from '../src/scheduler.js';

describe('schedulerModule', () => {
  it('builds one Scheduler from the bound options', async () => {
    const clock = new FakeClock();
    const api = new Api({ store: new MemoryStore(), clock });
    const container = new Container();
    container
      .bind<SchedulerOptions>(SchedulerTokens.Options)
      .toConstantValue({ api, informers: new InformerFactory(api, { clock }), clock });
    await container.load(schedulerModule);
    const a = container.get<Scheduler>(SchedulerTokens.Scheduler);
    expect(a).toBeInstanceOf(Scheduler);
    expect(container.get(SchedulerTokens.Scheduler)).toBe(a);
    await api.close();
  });
});
