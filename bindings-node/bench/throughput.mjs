// One benchmark run of profiles.get through the Node package, or through a peer sending the same
// request and parsing its JSON, against the emulator on loopback. `make bench`
// runs this with every other language's program, alternating them over several rounds, and prints
// one table.
//
//   node throughput.mjs SCENARIO CLIENT
//
// - get-c64: 64 calls in flight; CLIENT `adapty` (Promises), `undici` (Pool.request with 64
//   connections + JSON.parse) or `fetch` (Node's built-in fetch + JSON.parse);
// - get-c1: one call at a time; CLIENT `adapty` (awaited), `adapty-sync` (getSync) or `undici`;
// - require: the time of require('adapty-server') in a fresh process (`seconds`).
//
// ADAPTY_BASE_URL, ADAPTY_API_KEY and BENCH_USER name the emulator and the profile;
// BENCH_WARMUP_SECONDS and BENCH_SECONDS the two parts of a run. Prints one JSON line:
// {"requests": N, "seconds": S, "cpu_seconds": C} (the process's CPU time over the measured part).
import { execFileSync } from 'node:child_process';

const BASE = process.env.ADAPTY_BASE_URL;
const KEY = process.env.ADAPTY_API_KEY;
const USER = process.env.BENCH_USER ?? 'bench-user';
const PATH = '/api/v2/server-side-api/profile/';
const HEADERS = { authorization: `Api-Key ${KEY}`, 'adapty-customer-user-id': USER, accept: 'application/json' };
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Calls `call` from `concurrency` loops until `seconds` have passed. */
async function drive(call, concurrency, seconds) {
  const cpu = cpuSeconds();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let requests = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      await call();
      requests++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { requests, seconds: (performance.now() - started) / 1000, cpu_seconds: cpuSeconds() - cpu };
}

async function client(name, connections) {
  if (name === 'adapty' || name === 'adapty-sync') {
    const { Adapty } = await import('adapty-server');
    const sdk = new Adapty();
    if (name === 'adapty-sync') return async () => sdk.profiles.getSync({ customerUserId: USER });
    return () => sdk.profiles.get({ customerUserId: USER });
  }
  if (name === 'undici') {
    const { Pool } = await import('undici');
    const pool = new Pool(BASE, { connections });
    return async () => {
      const { body } = await pool.request({ path: PATH, method: 'GET', headers: HEADERS });
      return JSON.parse(await body.text());
    };
  }
  if (name === 'fetch') {
    const url = `${BASE}${PATH}`;
    return async () => JSON.parse(await (await fetch(url, { headers: HEADERS })).text());
  }
  throw new Error(`unknown client ${name} (adapty, adapty-sync, undici, fetch)`);
}

const [scenario, name] = process.argv.slice(2);
let result;
if (scenario === 'get-c1' || scenario === 'get-c64') {
  const concurrency = scenario === 'get-c1' ? 1 : 64;
  const call = await client(name, concurrency);
  await drive(call, concurrency, WARMUP);
  result = await drive(call, concurrency, SECONDS);
} else if (scenario === 'require') {
  const code =
    "const t = process.hrtime.bigint(); require('adapty-server'); console.log(Number(process.hrtime.bigint() - t) / 1e9)";
  const seconds = Number(
    execFileSync(process.execPath, ['-e', code], { cwd: new URL('.', import.meta.url).pathname }).toString(),
  );
  result = { requests: 1, seconds, cpu_seconds: seconds };
} else {
  throw new Error(`unknown scenario ${scenario} (get-c1, get-c64, require)`);
}
console.log(JSON.stringify(result));
// Pools and clients keep no handle that outlives the work; exit at once all the same.
process.exit(0);
