// Requests/s of profiles.get with 64 concurrent calls, Adapty vs Node's built-in fetch doing the
// same request and JSON.parse; and the time of require('adapty-server'). Prints figures and the
// ratio. Run with `make bench-node` (release builds of the addon and the emulator).
import { execFileSync } from 'node:child_process';
import { Adapty } from 'adapty-server';

const BASE = process.env.ADAPTY_BASE_URL;
const KEY = process.env.ADAPTY_API_KEY;
const USER = 'bench-node-user';
const ENDPOINT = `${BASE}/api/v2/server-side-api/profile/`;
const HEADERS = { authorization: `Api-Key ${KEY}`, 'adapty-customer-user-id': USER, accept: 'application/json' };
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10000);
const CONCURRENCY = 64;
const ROUNDS = 5;

async function drive(call) {
  let remaining = REQUESTS;
  const worker = async () => {
    while (remaining-- > 0) await call();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return REQUESTS / ((performance.now() - started) / 1000);
}

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const client = new Adapty();
await client.profiles.create({ customerUserId: USER });
const viaFetch = async () => JSON.parse(await (await fetch(ENDPOINT, { headers: HEADERS })).text());
const viaSdk = () => client.profiles.get({ customerUserId: USER });
await drive(viaFetch);
await drive(viaSdk);
const sdkRuns = [];
const fetchRuns = [];
for (let i = 0; i < ROUNDS; i++) {
  fetchRuns.push(await drive(viaFetch));
  sdkRuns.push(await drive(viaSdk));
}
const ours = median(sdkRuns);
const theirs = median(fetchRuns);
const ratio = ours / theirs;
console.log(`adapty-server (Node ${process.versions.node}) against the emulator on loopback`);
console.log(
  `profiles.get, ${CONCURRENCY} concurrent: Adapty ${ours.toFixed(0)} req/s vs fetch + JSON.parse ${theirs.toFixed(0)} req/s, ratio ${ratio.toFixed(2)}x (${ratio >= 1 ? 'meets' : 'BELOW'} goal 1.0x)`,
);
const code =
  "const t = process.hrtime.bigint(); require('adapty-server'); console.log(Number(process.hrtime.bigint() - t) / 1e6)";
const here = new URL('.', import.meta.url).pathname;
const ms = Math.min(
  ...Array.from({ length: 7 }, () => Number(execFileSync(process.execPath, ['-e', code], { cwd: here }).toString())),
);
console.log(`require('adapty-server'): ${ms.toFixed(1)} ms (${ms < 50 ? 'meets' : 'ABOVE'} goal < 50 ms)`);
