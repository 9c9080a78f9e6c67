import { controllersModule, StartControllerManagerToken } from '@flotilla/controllers';
import { createCoreModule, type Manager, MemoryStore, TYPES } from '@flotilla/core';
import { Scheduler, SchedulerTokens, schedulerModule } from '@flotilla/scheduler';
import { Container } from 'inversify';

/** Composing with inversify: one Store, Api, Manager and informer cache per container. */
async function main() {
  const container = new Container();
  container.loadSync(createCoreModule({ store: new MemoryStore() }), controllersModule, schedulerModule);
  // The scheduler takes plain options: give it the container's Api and shared informers.
  container.bind(SchedulerTokens.Options).toDynamicValue((ctx) => ({
    api: ctx.get(TYPES.Api),
    informers: ctx.get(TYPES.InformerFactory),
  }));

  const manager = container.get(TYPES.Manager);
  const startControllers = container.get<(m: Manager) => string[]>(StartControllerManagerToken);
  const controllers = startControllers(manager);
  const scheduler = container.get<Scheduler>(SchedulerTokens.Scheduler);

  container.get(TYPES.Api).close();
  console.log(`controllers registered: ${controllers.length > 0 && controllers.includes('deployment')}`);
  console.log(`one informer cache per container: ${container.get(TYPES.InformerFactory) === manager.informers}`);
  console.log(`scheduler resolved: ${scheduler instanceof Scheduler}`);
}

main();
