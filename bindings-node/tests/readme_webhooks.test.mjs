// The README's Express webhook receiver runs as written, as a process of its own, and receives the
// emulator's webhooks: the verification request, a purchase's subscription_started and
// access_level_updated read as typed events, a wrong header refused with 401, a body that is no
// event with 400, and a redelivery answered but not handled twice.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, test } from 'node:test';
import { Adapty } from 'adapty-server';

const require = createRequire(import.meta.url);
const { KEY, ROOT, freePort, sleep, startEmulator, waitFor } = require('./helpers.cjs');
const SECRET = 'whsec-readme-node-8Kd2';
const PROJECT = path.dirname(path.dirname(new URL(import.meta.url).pathname));

test("the README's Express receiver handles the emulator's webhooks", async () => {
  const em = await startEmulator();
  after(() => em.stop());
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Webhooks\n')[1].split('\n## ')[0];
  const [, code] = section.match(/```js\n([\s\S]*?)```/);
  fs.writeFileSync(path.join(PROJECT, 'receiver.mjs'), code);
  const port = await freePort();
  const app = spawn(process.execPath, ['receiver.mjs'], {
    cwd: PROJECT,
    env: { ...process.env, PORT: String(port), ADAPTY_WEBHOOK_SECRET: SECRET },
  });
  after(() => app.kill());
  const lines = [];
  app.stdout.on('data', (chunk) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  app.stderr.on('data', (chunk) => lines.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}/adapty/webhook`;
  await waitFor(
    async () => (await fetch(url, { method: 'POST' }).catch(() => null)) !== null,
    'the receiver to listen',
    () => lines.join('\n'),
  );

  const deliveries = async (type) => (await em.control('GET', 'webhooks')).filter((d) => d.event_type === type);
  await em.control('POST', 'config', { webhook_url: url, webhook_authorization: SECRET, webhook_retry_schedule_seconds: [0.1] });
  await waitFor(async () => (await deliveries('verification'))[0]?.state === 'delivered', 'the verification');

  const client = new Adapty({ apiKey: KEY, baseUrl: em.baseUrl });
  const user = 'node-hook-user';
  await client.profiles.create({ customerUserId: user });
  await client.purchases.setTransaction({
    customerUserId: user,
    purchaseType: 'subscription',
    store: 'app_store',
    storeProductId: 'premium_monthly',
    storeTransactionId: 'node-hook-t1',
    storeOriginalTransactionId: 'node-hook-t1',
    price: { country: 'US', currency: 'USD', value: 9.99 },
    purchasedAt: '2026-01-01T00:00:00Z',
    originallyPurchasedAt: '2026-01-01T00:00:00Z',
    expiresAt: '2099-01-01T00:00:00Z',
    renewStatus: true,
  });
  const expected = [`${user}: started premium_monthly`, `${user}: premium active=true`];
  await waitFor(
    () => expected.every((l) => lines.includes(l)),
    'the events handled',
    () => lines.join('\n'),
  );
  const [started] = await deliveries('subscription_started');
  assert.equal(started.state, 'delivered');

  const post = async (body, authorization) =>
    (await fetch(url, { method: 'POST', body, headers: { authorization, 'content-type': 'application/json' } })).status;
  assert.equal(await post('{}', `Bearer ${SECRET}`), 401);
  assert.equal(await post('[1, 2]', SECRET), 400);
  // A redelivery (the same profileEventId) is answered but not handled again.
  await em.control('POST', `webhooks/${started.id}/redeliver`);
  await waitFor(async () => (await deliveries('subscription_started'))[0].attempts.length === 2, 'the redelivery');
  assert.equal((await deliveries('subscription_started'))[0].attempts[1].status, 200);
  await sleep(200);
  assert.equal(lines.filter((l) => l === expected[0]).length, 1, lines.join('\n'));
  client.close();
});
