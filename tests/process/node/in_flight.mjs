// Calls still in flight when the program ends: promises nobody awaits, a worker terminated in
// the middle of its calls, process.exit() with requests on the wire, a client never closed.
import { randomUUID } from 'node:crypto';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { Adapty } from 'adapty-server';

if (isMainThread) {
  const client = new Adapty();
  const customerUserId = `proc-inflight-${randomUUID()}`;
  await client.profiles.create({ customerUserId });
  const worker = new Worker(new URL(import.meta.url), { workerData: customerUserId });
  await new Promise((resolve) => worker.once('online', resolve));
  for (let i = 0; i < 20; i++) client.profiles.get({ customerUserId });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  worker.terminate();
  for (let i = 0; i < 20; i++) client.profiles.get({ customerUserId });
  console.log('in flight: leaving');
  process.exit(0);
} else {
  const client = new Adapty();
  for (;;) {
    client.profiles.get({ customerUserId: workerData });
    await client.profiles.get({ customerUserId: workerData });
  }
}
