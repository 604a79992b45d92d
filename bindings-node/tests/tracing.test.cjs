'use strict';
// OpenTelemetry: with an SDK registered, each attempt of each call is a CLIENT span under the
// context active when the call began, and its context is what the request carries. Run as a
// program of its own, as a service registers OpenTelemetry once per process.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { KEY, script, startEmulator, uniqueUser } = require('./helpers.cjs');

let em;
before(async () => {
  em = await startEmulator();
});
after(() => em.stop());

const PROGRAM = `
const { NodeTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace-node');
const { trace } = require('@opentelemetry/api');
const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
const { Adapty, NotFoundError } = require('adapty-server');
const [apiKey, baseUrl, user] = process.argv.slice(2);
const tracer = trace.getTracer('app');
const client = new Adapty({ apiKey, baseUrl });
const aborted = new AbortController();

(async () => {
  await tracer.startActiveSpan('handler', async (span) => {
    await client.profiles.create({ customerUserId: user });
    await client.profiles.get({ customerUserId: user }); // a 503 first, then retried
    for await (const _ of client.paywalls.listAll({ pageSize: 2 }));
    await client.profiles.get({ customerUserId: user + '-nobody' }).catch((e) => {
      if (!(e instanceof NotFoundError)) throw e;
    });
    span.end();
  });
  tracer.startActiveSpan('sync-handler', (span) => {
    client.profiles.getSync({ customerUserId: user });
    span.end();
  });
  await tracer.startActiveSpan('aborting-handler', async (span) => {
    const call = client.profiles.get({ customerUserId: user + '-slow' }, { signal: aborted.signal });
    setTimeout(() => aborted.abort(), 200);
    await call.catch(() => {});
    span.end();
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // the aborted attempt's span ends
  const spans = exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    kind: s.kind,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parent: s.parentSpanContext?.spanId ?? null,
    attributes: s.attributes,
    status: s.status.code,
    scope: s.instrumentationScope.name,
  }));
  console.log(JSON.stringify(spans));
})();
`;

const run = (...args) =>
  new Promise((resolve, reject) =>
    execFile(process.execPath, [script(PROGRAM), ...args], (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );

test('each attempt is a CLIENT span under the caller, and its context is sent', async () => {
  const user = uniqueUser();
  await em.seedPaywalls(3);
  await em.fault(
    { method: 'GET', path_prefix: '/api/v2/server-side-api/profile/', status: 503, times: 1 },
    { method: 'GET', headers: { 'adapty-customer-user-id': `${user}-slow` }, delay_ms: 3000 },
  );
  await em.clearJournal();
  const spans = JSON.parse(await run(KEY, em.baseUrl, user));
  const handlers = Object.fromEntries(spans.filter((s) => s.scope === 'app').map((s) => [s.name, s]));
  const ours = spans.filter((s) => s.scope === 'adapty-server');
  const slow = (e) => e.headers['adapty-customer-user-id'] === `${user}-slow`;
  const sent = (await em.journal()).filter((e) => !e.path.startsWith('/__') && !slow(e));
  const pages = ours.filter((s) => s.attributes['adapty.operation'] === 'paywalls.list').length;
  assert.ok(pages >= 2, JSON.stringify(ours));
  // create, get twice, the pages, the 404, the aborted get (the sync call is not a span of ours)
  assert.equal(ours.length, 5 + pages, JSON.stringify(ours));
  assert.equal(sent.length, 5 + pages);

  const byId = new Map(ours.map((s) => [s.spanId, s]));
  const handler = handlers.handler;
  for (const request of sent) {
    const [, traceId, spanId] = request.headers.traceparent.split('-');
    if (request.headers['adapty-customer-user-id'] === user && byId.get(spanId) === undefined) {
      // The blocking call carries its caller's context.
      assert.equal(spanId, handlers['sync-handler'].spanId);
      continue;
    }
    const span = byId.get(spanId);
    assert.ok(span, `a span for ${request.method} ${request.path}`);
    assert.equal(span.traceId, traceId);
    assert.equal(span.kind, 2 /* CLIENT */);
    assert.equal(span.name, request.method);
    assert.equal(span.attributes['http.request.method'], request.method);
    assert.ok(span.attributes['url.full'].startsWith(em.baseUrl + request.path));
    assert.equal(span.attributes['server.address'], '127.0.0.1');
    assert.equal(span.attributes['server.port'], Number(new URL(em.baseUrl).port));
  }
  const underHandler = ours.slice(0, -1);
  assert.ok(underHandler.every((s) => s.parent === handler.spanId && s.traceId === handler.traceId));
  const operations = underHandler.map((s) => s.attributes['adapty.operation']);
  assert.deepEqual(operations, [
    'profiles.create',
    'profiles.get',
    'profiles.get',
    ...Array(pages).fill('paywalls.list'),
    'profiles.get',
  ]);
  const [failed, retried] = [ours[1], ours[2]];
  assert.equal(failed.status, 2 /* ERROR */);
  assert.equal(failed.attributes['http.response.status_code'], 503);
  assert.equal(failed.attributes['error.type'], '503');
  assert.equal(retried.attributes['http.request.resend_count'], 1);
  assert.equal(retried.attributes['http.response.status_code'], 200);
  assert.equal(retried.status, 0 /* UNSET */);
  assert.equal(ours.at(-2).attributes['error.type'], '404');
  const abortedSpan = ours.at(-1);
  assert.equal(abortedSpan.parent, handlers['aborting-handler'].spanId);
  assert.equal(abortedSpan.attributes['error.type'], 'cancelled');
  assert.equal(abortedSpan.status, 2);
});

test('without an SDK nothing is traced or sent', async () => {
  const user = uniqueUser();
  await em.clearJournal();
  const program = `
    require('@opentelemetry/api'); // the API alone, as libraries load it: no SDK registered
    const { Adapty } = require('adapty-server');
    const [apiKey, baseUrl, user] = process.argv.slice(2);
    new Adapty({ apiKey, baseUrl }).profiles.create({ customerUserId: user });
  `;
  await new Promise((resolve, reject) =>
    execFile(process.execPath, [script(program), KEY, em.baseUrl, user], (err) => (err ? reject(err) : resolve())),
  );
  const [created] = await em.journal();
  assert.equal(created.headers.traceparent, undefined);
});
