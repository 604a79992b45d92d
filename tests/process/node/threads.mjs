// 16 concurrent workers (async loops) share one client.
import { randomUUID } from 'node:crypto';
import { Adapty } from 'adapty-server';

const client = new Adapty();
const run = randomUUID();
let calls = 0;
async function work(n) {
  for (let i = 0; i < 8; i++) {
    const customerUserId = `proc-threads-${run}-${n}-${i}`;
    const created = await client.profiles.create({ customerUserId });
    if ((await client.profiles.get({ profileId: created.profileId })).customerUserId !== customerUserId) throw new Error('wrong profile');
    await client.profiles.delete({ customerUserId });
    calls += 3;
  }
}
const workers = Array.from({ length: 16 }, (_, n) => work(n));
await Promise.all(workers);
console.log(`threads: ${workers.length} threads, ${calls} calls`);
