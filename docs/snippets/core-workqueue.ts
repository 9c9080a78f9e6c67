import { FakeClock, WorkQueue } from '@flotilla/core';

/** A WorkQueue on its own, driven by a FakeClock: no Manager, no sleeping. */
async function main() {
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock });

  queue.add('default/web');
  queue.add('default/web'); // already queued: still one entry
  queue.addAfter('default/db', 5_000);
  const lengthBefore = queue.length;

  const first = await queue.get();
  await clock.step(5_000); // the delayed key becomes due
  const second = await queue.get();
  if (!first.shutdown) queue.done(first.key);
  if (!second.shutdown) queue.done(second.key);
  queue.shutDown();

  console.log(`queued before the first get: ${lengthBefore}`);
  console.log(
    `processed in order: ${[first, second].map((item) => (item.shutdown ? 'shutdown' : item.key)).join(', ')}`,
  );
}

main();
