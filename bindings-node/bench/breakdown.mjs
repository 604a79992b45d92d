// Where a profiles.get call's time goes in the Node binding: wall and CPU microseconds per call of
// each layer, measured by running the layers alone, one call at a time and 64 in flight, against
// the emulator on loopback. CPU time is the whole process's (the event loop and the SDK runtime's
// threads): on a machine where client and server share the cores, what one call takes from the
// server. Run with `make bench-breakdown` (release builds; ADAPTY_BASE_URL, ADAPTY_API_KEY and
// BENCH_USER, a profile with an access level, set by `make bench-breakdown`).
import { createRequire } from 'node:module';
import path from 'node:path';
import { Adapty } from 'adapty-server';

const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve('adapty-server'));
const { nativeClient, background } = require(path.join(pkg, 'lib', 'native.js'));
const { fromCore } = require(path.join(pkg, 'lib', 'convert.js'));

const BASE = process.env.ADAPTY_BASE_URL;
const KEY = process.env.ADAPTY_API_KEY;
const USER = process.env.BENCH_USER ?? 'bench-user';
const CALLS = Number(process.env.BENCH_CALLS ?? 5000);
const LOCAL = 100 * CALLS; // steps without I/O run more often, for a steadier figure
const ROUNDS = 5;

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall and CPU µs per call of one run of `round` (`calls` calls). */
async function timed(round, calls) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await round();
  const used = process.cpuUsage(cpu);
  return [((performance.now() - wall) * 1000) / calls, (used.user + used.system) / calls];
}

const oneAtATime = (call, calls = CALLS) => [
  async () => {
    for (let i = 0; i < calls; i++) await call();
  },
  calls,
];

const local = (step) => [
  () => {
    for (let i = 0; i < LOCAL; i++) step();
  },
  LOCAL,
];

const inFlight = (call, concurrency) => [
  async () => {
    let remaining = CALLS;
    const worker = async () => {
      while (remaining-- > 0) await call();
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  },
  CALLS,
];

/** Each step's median wall and CPU µs per call, the steps alternating in every round so that the
 * machine's drift falls on all of them alike. */
async function alternating(steps) {
  const runs = steps.map(() => []);
  for (let r = 0; r < ROUNDS; r++) for (const [i, [, [round, calls]]] of steps.entries()) runs[i].push(await timed(round, calls));
  return steps.map(([label], i) => [label, [median(runs[i].map(([w]) => w)), median(runs[i].map(([, c]) => c))]]);
}

const client = new Adapty({ apiKey: KEY, baseUrl: BASE });
const native = nativeClient({ api_key: KEY, base_url: BASE, language: ['node', 'bench'] });
const nativeCall = (args) => background((id) => native.call('profiles.get', args, id, null, false, false));
const args = { profile_id: null, customer_user_id: USER };
const text = native.callSync('profiles.get', args, null, false);
const data = JSON.parse(text).ok;

const steps = await alternating([
  ['profiles.get (the whole call)', oneAtATime(() => client.profiles.get({ customerUserId: USER }))],
  ['  native call only', oneAtATime(() => nativeCall(args))],
  ['  native call refused before I/O', oneAtATime(() => nativeCall({ profile_id: null, customer_user_id: null }))],
  ['  JSON.parse of the outcome', local(() => JSON.parse(text))],
  ['  fromCore (camelCase model)', local(() => fromCore('Profile', data))],
  ['profiles.getSync (the whole call)', oneAtATime(() => client.profiles.getSync({ customerUserId: USER }))],
  ['profiles.get, 64 in flight', inFlight(() => client.profiles.get({ customerUserId: USER }), 64)],
  ['  native call only, 64 in flight', inFlight(() => nativeCall(args), 64)],
]);
console.log(`Node ${process.versions.node}: µs per call, medians of ${ROUNDS} alternating rounds`);
console.log(`${'step'.padEnd(46)} ${'wall µs'.padStart(9)} ${'CPU µs'.padStart(9)}`);
for (const [label, [wall, cpu]] of steps)
  console.log(`${label.padEnd(46)} ${wall.toFixed(1).padStart(9)} ${cpu.toFixed(1).padStart(9)}`);
const figures = Object.fromEntries(steps);
const [whole, nativeOnly, model] = [
  figures['profiles.get (the whole call)'],
  figures['  native call only'],
  figures['  fromCore (camelCase model)'],
];
const layer = (i) => (whole[i] - nativeOnly[i] - model[i]).toFixed(1).padStart(9);
console.log(`${'  JS layer (whole - native - fromCore)'.padEnd(46)} ${layer(0)} ${layer(1)}`);
const [busy, busyNative] = [figures['profiles.get, 64 in flight'], figures['  native call only, 64 in flight']];
const busyLayer = (i) => (busy[i] - busyNative[i]).toFixed(1).padStart(9);
console.log(`${'  JS layer, 64 in flight (whole - native)'.padEnd(46)} ${busyLayer(0)} ${busyLayer(1)}`);
client.close();
