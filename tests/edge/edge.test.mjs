// adapty-server where no native code loads, as users run it there: Workers under `wrangler dev`
// (workerd, the `workerd` export condition), the README's Worker webhook receiver taking the
// emulator's webhooks, and a Vercel Edge Function bundled as Next.js bundles one (the
// `edge-light` condition) run in Vercel's edge-runtime. Run by the edge suite with Node 22
// (wrangler's minimum) in a project holding the packed packages (tools/tasks/edge.py).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator } from 'adapty-emulator';
import { Adapty } from 'adapty-server';
import { EdgeRuntime } from 'edge-runtime';
import * as esbuild from 'esbuild';

// The node suite's helpers (tools/tasks/edge.py copies them beside this file).
const { freePort, waitFor } = createRequire(import.meta.url)('./helpers.cjs');
const KEY = 'secret_edge_tests_4fQ9';
const SECRET = 'whsec-edge-worker-7Lp3';
const PROJECT = path.dirname(new URL(import.meta.url).pathname);
const WRANGLER = path.join(PROJECT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

let em;
before(async () => {
  em = await startEmulator({ apiKey: KEY, acceptAnyKey: false });
});
after(() => em.stop());

/** `wrangler dev` of the Worker in `dir` with `vars`, on a free port; its output lines. */
async function wranglerDev(dir, vars) {
  const [port, inspector] = [await freePort(), await freePort()];
  const given = Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
  const args = [WRANGLER, 'dev', '--ip', '127.0.0.1', '--port', `${port}`, '--inspector-port', `${inspector}`, ...given];
  // Its own process group, so stopping it stops workerd too.
  const child = spawn(process.execPath, args, {
    cwd: path.join(PROJECT, dir),
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' },
  });
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  }
  after(() => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
  });
  await waitFor(
    () => lines.some((l) => l.includes('Ready on')) || child.exitCode !== null,
    'wrangler dev',
    () => lines.join('\n'),
    60,
  );
  assert.equal(child.exitCode, null, lines.join('\n'));
  return { url: `http://127.0.0.1:${port}`, lines };
}

test('a Worker creates, reads and updates a profile in workerd', async () => {
  const worker = await wranglerDev('profile-worker', { ADAPTY_API_KEY: KEY, ADAPTY_BASE_URL: em.baseUrl });
  const response = await fetch(`${worker.url}/?user=edge-worker-1`);
  const body = await response.text();
  assert.equal(response.status, 200, `${body}\n${worker.lines.join('\n')}`);
  const answer = JSON.parse(body);
  assert.deepEqual(answer.created, { plan: 'gold' });
  assert.deepEqual(answer.read, { customerUserId: 'edge-worker-1', customAttributes: { plan: 'gold' } });
  assert.deepEqual(answer.updated, { beta: 1 });
  assert.deepEqual(answer.missing, { notFound: true, status: 404, errorCode: 'profile_does_not_exist' });
  assert.equal(answer.blocking.usage, true);
  assert.match(answer.blocking.message, /not available in the WebAssembly build/);
  // The native addon, in this process, sees what the Worker wrote.
  const client = new Adapty({ apiKey: KEY, baseUrl: em.baseUrl });
  const profile = await client.profiles.get({ customerUserId: 'edge-worker-1' });
  assert.equal(profile.profileId, answer.profileId);
  assert.deepEqual(profile.customAttributes, { beta: 1 });
  client.close();
});

test("the README's Worker receives the emulator's webhooks in workerd", async () => {
  const worker = await wranglerDev('webhook-worker', { ADAPTY_WEBHOOK_SECRET: SECRET });
  const deliveries = async (type) => (await em.control('GET', 'webhooks')).filter((d) => d.event_type === type);
  await em.control('POST', 'config', {
    webhook_url: worker.url,
    webhook_authorization: SECRET,
    webhook_retry_schedule_seconds: [0.1],
  });
  await waitFor(async () => (await deliveries('verification'))[0]?.state === 'delivered', 'the verification');

  const client = new Adapty({ apiKey: KEY, baseUrl: em.baseUrl });
  const user = 'edge-hook-user';
  await client.profiles.create({ customerUserId: user });
  await client.purchases.setTransaction({
    customerUserId: user,
    purchaseType: 'subscription',
    store: 'app_store',
    storeProductId: 'premium_monthly',
    storeTransactionId: 'edge-hook-t1',
    storeOriginalTransactionId: 'edge-hook-t1',
    price: { country: 'US', currency: 'USD', value: 9.99 },
    purchasedAt: '2026-01-01T00:00:00Z',
    originallyPurchasedAt: '2026-01-01T00:00:00Z',
    expiresAt: '2099-01-01T00:00:00Z',
    renewStatus: true,
  });
  client.close();
  // What the Worker logged of each typed event, in wrangler's output.
  const expected = [`${user}: started premium_monthly`, `${user}: premium active=true`];
  await waitFor(
    () => expected.every((e) => worker.lines.some((l) => l.includes(e))),
    'the events handled',
    () => worker.lines.join('\n'),
  );
  const [started] = await deliveries('subscription_started');
  assert.equal(started.state, 'delivered');
  assert.equal(started.attempts[0].status, 200);

  const post = async (body, authorization) =>
    (await fetch(worker.url, { method: 'POST', body, headers: { authorization, 'content-type': 'application/json' } })).status;
  assert.equal(await post('{}', `Bearer ${SECRET}`), 401);
  assert.equal(await post('[1, 2]', SECRET), 400);
  await em.control('POST', 'config', { webhook_url: null });
});

test('a Vercel Edge Function reads and creates profiles in edge-runtime', async () => {
  // As Next.js bundles an Edge Function: the `edge-light` condition, a `.wasm?module` import
  // compiled outside the sandbox and handed to it (the sandbox itself may not compile code).
  const wasmModules = {};
  const wasmModule = {
    name: 'wasm-module',
    setup(build) {
      build.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({
        path: path.join(args.resolveDir, args.path.replace(/\?module$/, '')),
        namespace: 'wasm-module',
      }));
      build.onLoad({ filter: /.*/, namespace: 'wasm-module' }, async (args) => {
        const binding = `wasm_${Object.keys(wasmModules).length}`;
        wasmModules[binding] = await WebAssembly.compile(fs.readFileSync(args.path));
        return { contents: `export default globalThis.${binding};`, loader: 'js' };
      });
    },
  };
  const bundle = await esbuild.build({
    stdin: {
      contents: "import { GET } from './route.js'; addEventListener('fetch', (e) => e.respondWith(GET(e.request)));",
      resolveDir: path.join(PROJECT, 'vercel'),
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser'],
    define: { 'process.env.ADAPTY_API_KEY': JSON.stringify(KEY), 'process.env.ADAPTY_BASE_URL': JSON.stringify(em.baseUrl) },
    plugins: [wasmModule],
    logLevel: 'error',
  });
  const runtime = new EdgeRuntime({
    initialCode: bundle.outputFiles[0].text,
    extend: (context) => Object.assign(context, wasmModules),
  });
  const first = await runtime.dispatchFetch('https://edge.example/api/profile?user=edge-vercel-1');
  assert.equal(first.status, 201, await first.clone().text());
  const { created } = await first.json();
  const second = await runtime.dispatchFetch('https://edge.example/api/profile?user=edge-vercel-1');
  assert.deepEqual(await second.json(), { profileId: created, customAttributes: { source: 'edge' } });
  await runtime.dispatchFetch.waitUntilComplete?.();
});
