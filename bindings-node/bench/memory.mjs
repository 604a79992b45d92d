// Memory under load: a million Promise calls with 64 in flight (4 in 5 succeed, 1 in 5 is a 404
// rejected as NotFoundError); prints the rate and the process's RSS after a warm-up and at the end
// (goal: it grows by less than 5 MB). Run with `make soak` (release builds of the addon and the
// emulator). SOAK_CALLS changes the count.
//
// `make soak` starts Node with its new space fixed at V8's largest size (--min-semi-space-size=16
// --max-semi-space-size=16): by default V8 doubles the new space from 2 x 8 to 2 x 16 MB when the
// allocation rate first calls for it, which took RSS from 72 to 86 MB at some point of the run
// (after 100,000 or 250,000 calls); then the growth measured is the SDK's, not V8's sizing. The
// reserved V8 heap is printed beside the RSS so such a step shows.
import { Adapty, NotFoundError } from 'adapty-server';

const CALLS = Number(process.env.SOAK_CALLS ?? 1_000_000);
const WARMUP = Math.max(Math.floor(CALLS / 10), 1000);
const CONCURRENCY = 64;
const GOAL_MB = 5;
const USER = 'soak-node-user';

const client = new Adapty();
await client.profiles.create({ customerUserId: USER });
const rssMb = () => process.memoryUsage.rss() / 2 ** 20;

/** `n` calls, CONCURRENCY at a time; resolves to the number of API errors. */
async function run(n) {
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      try {
        await client.profiles.get({ customerUserId: i % 5 === 0 ? 'soak-nobody' : USER });
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return errors;
}

const reserved = () => process.memoryUsage().heapTotal / 2 ** 20;
await run(WARMUP);
const before = rssMb();
const heapBefore = reserved();
const samples = [];
const heaps = [];
let errors = 0;
const started = performance.now();
for (let i = 0; i < 10; i++) {
  errors += await run(CALLS / 10);
  samples.push(rssMb());
  heaps.push(reserved());
}
const seconds = (performance.now() - started) / 1000;
const after = samples[samples.length - 1];
const growth = after - before;
const heap = process.memoryUsage();
const fmt = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log(
  `node Promises (${CONCURRENCY} in flight): ${fmt(CALLS)} calls (${fmt(errors)} API errors) in ${seconds.toFixed(0)} s, ${fmt(CALLS / seconds)}/s; ` +
    `RSS ${before.toFixed(1)} MB after ${fmt(WARMUP)} warm-up calls, ${after.toFixed(1)} MB at the end: ` +
    `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (${growth < GOAL_MB ? 'meets' : 'MISSES'} goal < ${GOAL_MB} MB); ` +
    `every tenth: ${samples.map((m) => m.toFixed(1)).join(' ')}; V8 heap in use ${(heap.heapUsed / 2 ** 20).toFixed(1)} MB, ` +
    `reserved ${heapBefore.toFixed(1)} MB after warm-up, then ${heaps.map((m) => m.toFixed(1)).join(' ')}`,
);
