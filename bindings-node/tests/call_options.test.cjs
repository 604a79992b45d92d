'use strict';
// Per-call options, withOptions, raw responses, request events and AbortSignal, read back from
// the emulator's journal.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { Adapty, ValidationError } = require('adapty-server');
const { KEY, script, startEmulator, uniqueUser } = require('./helpers.cjs');

let em;
before(async () => {
  em = await startEmulator();
});
after(() => em.stop());
beforeEach(async () => {
  await em.clearJournal();
});

const client = (options = {}) => new Adapty({ apiKey: KEY, baseUrl: em.baseUrl, ...options });

for (const sync of [false, true]) {
  const run = (fn, ...args) => (sync ? fn.sync(...args) : fn.async(...args));
  const method = (ns, name) => ({ async: (...a) => ns[name](...a), sync: (...a) => ns[`${name}Sync`](...a) });

  test(`per-call headers, query and body fields reach the server (${sync ? 'sync' : 'async'})`, async () => {
    const user = uniqueUser();
    const c = client().withOptions({ headers: { 'X-Team': 'billing', 'X-Both': 'client' } });
    await run(
      method(c.profiles, 'create'),
      { customerUserId: user, firstName: 'Ann' },
      {
        headers: { 'x-both': 'call' },
        extraQuery: { trace: 1 },
        extraBody: { future_field: { a: 1 } },
      },
    );
    await run(method(c.profiles, 'get'), { customerUserId: user });
    const [created, read] = await em.journal();
    assert.equal(created.headers['x-team'], 'billing');
    assert.equal(created.headers['x-both'], 'call');
    assert.equal(created.query, 'trace=1');
    const body = JSON.parse(created.body);
    assert.equal(body.first_name, 'Ann');
    assert.deepEqual(body.future_field, { a: 1 });
    assert.equal(read.headers['x-both'], 'client', "the call's options were the call's only");
    assert.equal(read.query, null);
  });

  test(`a raw response has the status, headers and request id (${sync ? 'sync' : 'async'})`, async () => {
    const user = uniqueUser();
    const c = client();
    await c.profiles.create({ customerUserId: user });
    await em.clearJournal();
    const raw = await run(method(c.profiles.withRawResponse, 'get'), { customerUserId: user });
    const [entry] = await em.journal();
    assert.equal(raw.status, 200);
    assert.equal(raw.requestId, entry.request_id);
    assert.equal(raw.retries, 0);
    assert.equal(raw.headers['content-type'], 'application/json');
    assert.equal(raw.data.customerUserId, user);
  });
}

test('owned headers and known body fields are refused before any request', async () => {
  const c = client();
  assert.throws(
    () => c.withOptions({ headers: { Authorization: 'Api-Key other' } }),
    (e) => e instanceof ValidationError && e.field === 'headers.Authorization',
  );
  await assert.rejects(c.profiles.update({ customerUserId: uniqueUser() }, { extraBody: { last_name: 'X' } }), {
    field: 'extraBody.last_name',
  });
  assert.throws(() => c.profiles.getSync({ customerUserId: 'x' }, { headers: { 'adapty-profile-id': 'y' } }), {
    name: 'ValidationError',
    field: 'headers.adapty-profile-id',
  });
  assert.deepEqual(await em.journal(), []);
});

test("a call's timeout and retries replace the client's", async () => {
  const user = uniqueUser();
  const c = client({ maxRetries: 0 });
  await c.profiles.create({ customerUserId: user });
  await em.fault({ method: 'GET', delay_ms: 1500 });
  await assert.rejects(c.profiles.get({ customerUserId: user }, { timeout: 300 }), { name: 'APITimeoutError' });
  await em.fault({ method: 'GET', status: 503, times: 1 });
  const raw = await c.profiles.withRawResponse.get({ customerUserId: user }, { maxRetries: 1 });
  assert.equal(raw.retries, 1, 'one retry, though the client allows none');
});

test('listeners see every attempt, without the key; off stops them', async () => {
  const user = uniqueUser();
  const c = client();
  await c.profiles.create({ customerUserId: user });
  const seen = [];
  const listener = (e) => seen.push(e);
  c.on('request', listener).on('response', listener);
  await em.fault({ method: 'GET', status: 503, times: 1 });
  await c.withOptions({ timeout: 5000 }).profiles.get({ customerUserId: user });
  // Events arrive on the event loop after the call's own outcome may: wait for the last one.
  for (let i = 0; seen.length < 4 && i < 100; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    seen.map((e) => [e.type, e.attempt, e.status ?? null]),
    [
      ['request', 1, null],
      ['response', 1, 503],
      ['request', 2, null],
      ['response', 2, 200],
    ],
  );
  const last = seen[3];
  assert.equal(last.operation, 'profiles.get');
  assert.equal(last.method, 'GET');
  assert.ok(last.url.startsWith(em.baseUrl));
  assert.ok(last.requestId && last.elapsedMs > 0 && last.errorKind === null);
  assert.equal(seen[1].errorKind, 'api');
  assert.ok(!JSON.stringify(seen).includes(KEY), 'never the key');

  c.off('request', listener).off('response', listener);
  seen.length = 0;
  await c.profiles.get({ customerUserId: user });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(seen, []);
  assert.throws(() => c.on('requests', listener), TypeError);
});

test('a signal aborts the call: AbortError, the request dropped, nothing retried', async () => {
  const user = uniqueUser();
  const c = client();
  await c.profiles.create({ customerUserId: user });
  await em.clearJournal();
  await em.fault({ method: 'GET', delay_ms: 1000, times: 5 });
  const controller = new AbortController();
  const started = Date.now();
  const call = c.profiles.get({ customerUserId: user }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(call, { name: 'AbortError' });
  assert.ok(Date.now() - started < 900, 'rejected when aborted, not when the response came');
  // Had the request gone on (or been retried), the emulator would answer it after its delay.
  await new Promise((r) => setTimeout(r, 1300));
  assert.ok(
    (await em.journal()).every((e) => e.status !== 200),
    'no answer was completed for the aborted call',
  );

  const reason = new Error('shutting down');
  const aborted = AbortSignal.abort(reason);
  await assert.rejects(c.profiles.get({ customerUserId: user }, { signal: aborted }), (e) => e === reason);
});

test('a logger receives a line per attempt, by level; ADAPTY_LOG writes them to stderr', async () => {
  const user = uniqueUser();
  await em.reset(); // no fault left by an earlier test
  await em.fault({ method: 'GET', status: 503, times: 1 });
  const lines = [];
  const logger = Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [level, (line) => lines.push([level, line])]),
  );
  await assert.rejects(client({ logger, logLevel: 'info' }).profiles.get({ customerUserId: user }), { name: 'NotFoundError' });
  for (let i = 0; lines.length < 2 && i < 100; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    lines.map(([level]) => level),
    ['warn', 'error'],
  );
  assert.match(lines[0][1], /^profiles\.get GET .* -> 503 .*retrying in/);
  assert.match(lines[1][1], /-> 404/);

  await em.fault({ method: 'GET', status: 503, times: 1 });
  const program = `
    const { Adapty } = require('adapty-server');
    new Adapty({ apiKey: ${JSON.stringify(KEY)}, baseUrl: ${JSON.stringify(em.baseUrl)} })
      .profiles.get({ customerUserId: ${JSON.stringify(user)} }).catch(() => {});`;
  const stderr = await new Promise((resolve, reject) => {
    execFile(process.execPath, [script(program)], { env: { ...process.env, ADAPTY_LOG: 'warn' } }, (err, _out, errText) =>
      err ? reject(err) : resolve(errText),
    );
  });
  const written = stderr.split('\n').filter((l) => l.startsWith('adapty_server '));
  assert.equal(written.length, 2, stderr);
  assert.match(written[0], /^adapty_server WARN profiles\.get GET .* -> 503/);
  assert.match(written[1], /^adapty_server ERROR profiles\.get GET .* -> 404/);
  assert.ok(!stderr.includes(KEY));
});
