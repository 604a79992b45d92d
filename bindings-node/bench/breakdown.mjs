// Where a profiles.get call's time goes in the Node binding: wall and CPU microseconds per call of
// each layer, measured by running the layers alone, one call at a time and 64 in flight, against
// the emulator on loopback. CPU time is the whole process's (the event loop and the SDK runtime's
// threads): on a machine where client and server share the cores, what one call takes from the
// server. Run with `make bench-breakdown` (release builds of the addon and the emulator).
import { createRequire } from 'node:module';
import path from 'node:path';
import { Adapty } from 'adapty-server';

const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve('adapty-server'));
const { nativeClient, background } = require(path.join(pkg, 'lib', 'native.js'));
const { fromCore } = require(path.join(pkg, 'lib', 'convert.js'));

const BASE = process.env.ADAPTY_BASE_URL;
const KEY = process.env.ADAPTY_API_KEY;
const USER = 'bench-breakdown-user';
const CALLS = Number(process.env.BENCH_CALLS ?? 5000);
const ROUNDS = 5;

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall and CPU µs per call of one run of `round` (CALLS calls). */
async function timed(round) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await round();
  const used = process.cpuUsage(cpu);
  return [((performance.now() - wall) * 1000) / CALLS, (used.user + used.system) / CALLS];
}

const oneAtATime = (call) => async () => {
  for (let i = 0; i < CALLS; i++) await call();
};

const inFlight = (call, concurrency) => async () => {
  let remaining = CALLS;
  const worker = async () => {
    while (remaining-- > 0) await call();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

/** Each step's median wall and CPU µs per call, the steps alternating in every round so that the
 * machine's drift falls on all of them alike. */
async function alternating(steps) {
  const runs = steps.map(() => []);
  for (let r = 0; r < ROUNDS; r++) for (const [i, [, round]] of steps.entries()) runs[i].push(await timed(round));
  return steps.map(([label], i) => [label, [median(runs[i].map(([w]) => w)), median(runs[i].map(([, c]) => c))]]);
}

const client = new Adapty({ apiKey: KEY, baseUrl: BASE });
await client.profiles.create({ customerUserId: USER });
const native = nativeClient({ api_key: KEY, base_url: BASE, language: ['node', 'bench'] });
const nativeCall = (args) => background((id) => native.call('profiles.get', args, id));
const args = { profile_id: null, customer_user_id: USER };
const data = (await nativeCall(args)).ok;

const steps = await alternating([
  ['profiles.get (the whole call)', oneAtATime(() => client.profiles.get({ customerUserId: USER }))],
  ['  native call only (napi, core, HTTP, JSON)', oneAtATime(() => nativeCall(args))],
  ['  fromCore only (camelCase model)', oneAtATime(() => fromCore('Profile', data))],
  ['  native call refused before I/O', oneAtATime(() => nativeCall({ profile_id: null, customer_user_id: null }))],
  ['profiles.getSync (the whole call)', oneAtATime(() => client.profiles.getSync({ customerUserId: USER }))],
  ['profiles.get, 64 in flight', inFlight(() => client.profiles.get({ customerUserId: USER }), 64)],
  ['  native call only, 64 in flight', inFlight(() => nativeCall(args), 64)],
]);
console.log(
  `adapty-server (Node ${process.versions.node}): µs per call, medians of ${ROUNDS} alternating rounds of ${CALLS} calls`,
);
console.log(`${'step'.padEnd(46)} ${'wall µs'.padStart(9)} ${'CPU µs'.padStart(9)}`);
for (const [label, [wall, cpu]] of steps)
  console.log(`${label.padEnd(46)} ${wall.toFixed(1).padStart(9)} ${cpu.toFixed(1).padStart(9)}`);
const [whole, nativeOnly, model] = steps.map(([, figures]) => figures);
const layer = (i) => (whole[i] - nativeOnly[i] - model[i]).toFixed(1).padStart(9);
console.log(`${'  JS layer (whole - native - model)'.padEnd(46)} ${layer(0)} ${layer(1)}`);
client.close();
