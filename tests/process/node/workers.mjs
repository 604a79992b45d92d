// worker_threads: each worker makes its own client and calls, blocking and async; the main
// thread uses its client at the same time.
import { randomUUID } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Adapty } from 'adapty-server';

if (isMainThread) {
  const client = new Adapty();
  const run = randomUUID();
  const workers = Array.from({ length: 4 }, (_, n) => new Worker(new URL(import.meta.url), { workerData: `${run}-${n}` }));
  const counts = workers.map((w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject)));
  const exits = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  await client.profiles.create({ customerUserId: `proc-workers-${run}-main` });
  const done = await Promise.all(counts);
  await Promise.all(exits);
  console.log(`workers: ${workers.length} workers, ${done.reduce((a, b) => a + b, 0)} calls`);
} else {
  const client = new Adapty();
  let calls = 0;
  for (let i = 0; i < 4; i++) {
    const customerUserId = `proc-workers-${workerData}-${i}`;
    client.profiles.createSync({ customerUserId });
    await client.profiles.delete({ customerUserId });
    calls += 2;
  }
  parentPort.postMessage(calls);
}
