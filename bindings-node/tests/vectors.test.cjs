'use strict';
// The shared cases of tests/vectors/profiles.json and tests/vectors/operations.json (one format,
// described in each file's `description`), with the Promise methods and the *Sync twins (where there
// are: not on the WebAssembly build). The vectors speak the API's snake_case; this package takes
// camelCase, so inputs and expected field names are renamed here (keys of custom attributes and
// metadata are the user's own and stay as they are).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const sdk = require('adapty-server');
const { KEY, ROOT, WASM, startEmulator } = require('./helpers.cjs');

const vectors = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'vectors', name), 'utf8')).cases;
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const USER_KEYS = new Set(['custom_attributes', 'metadata']);

/** snake_case input object -> camelCase, leaving the keys of user-keyed maps alone. */
function camelInput(value) {
  if (Array.isArray(value)) return value.map(camelInput);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), USER_KEYS.has(k) ? v : camelInput(v)]));
}

/** `installation_meta.device_id` -> `installationMeta.deviceId`; the path after a user-keyed map stays. */
function expectedField(field) {
  const parts = field.split('.');
  const user = parts.findIndex((p) => USER_KEYS.has(p.replace(/\[.*$/, '')));
  const end = user === -1 ? parts.length : user + 1;
  return [...parts.slice(0, end).map(camel), ...parts.slice(end)].join('.');
}

function outcome(error) {
  if (!error) return 'ok';
  if (error.code === 'validation') return { validation_error: { field: error.field, rule: error.rule } };
  if (error instanceof sdk.APIStatusError) return { status: error.status, error_code: error.errorCode };
  return { unexpected: String(error) };
}

function same(x, y) {
  if (typeof x === 'number' && typeof y === 'number') return x === y;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => same(v, y[i]));
  if (x && y && typeof x === 'object' && typeof y === 'object') {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => k in y && same(x[k], y[k]));
  }
  return x === y;
}

/** Methods whose first parameter is an id or a list rather than part of the input object. */
const POSITIONAL = {
  'paywalls.get': 'paywall_id',
  'paywalls.update': 'paywall_id',
  'profiles.deleteMany': 'refs',
  'legacy.getProfile': 'user_id',
  'legacy.updateProfile': 'user_id',
  'legacy.deleteProfile': 'user_id',
  'legacy.grant': 'user_id',
  'legacy.revoke': 'user_id',
};

/**
 * The Node call for the core operation `operation` with the core's arguments `input`: the
 * namespace and method of the same names, the profile ref and other arguments camelCased into
 * one object together with the request body (`fields`).
 */
function nodeCall(client, operation, input, mode) {
  const [namespace, method] = operation.split('.');
  const fn = client[namespace]?.[mode === 'sync' ? `${method}Sync` : method];
  assert.equal(typeof fn, 'function', `no Node method for ${operation}`);
  const { fields, ...args } = input;
  const positional = POSITIONAL[operation];
  const rest = { ...camelInput(args), ...camelInput(fields ?? {}) };
  if (!positional) return fn.call(client[namespace], rest);
  const { [camel(positional)]: id, ...others } = rest;
  return fn.call(client[namespace], id, ...(Object.keys(others).length || fields ? [others] : []));
}

/** The outcome of a call: "ok", an error's, or for one result per input ({ref, ok, error} each) each input's. */
async function settle(run) {
  try {
    const result = await run();
    if (Array.isArray(result) && result.every((r) => r && 'ok' in r && 'error' in r)) {
      return { results: result.map((r) => outcome(r.error)) };
    }
    return 'ok';
  } catch (e) {
    return outcome(e);
  }
}

function checkRequest(entry, req) {
  assert.deepEqual([entry.method, entry.path], [req.method, req.path]);
  const query = new URLSearchParams(entry.query ?? '');
  for (const [name, value] of Object.entries(req.query ?? {})) assert.equal(query.get(name), String(value), `query ${name}`);
  for (const [name, value] of Object.entries(req.headers ?? {})) assert.equal(entry.headers[name], value, name);
  for (const name of req.absent_headers ?? []) assert.ok(!(name in entry.headers), name);
  const body = entry.body ? JSON.parse(entry.body) : null;
  assert.ok(same(body, req.body), `${JSON.stringify(body)} != ${JSON.stringify(req.body)}`);
}

async function check(got, expect) {
  const sent = await em.journal();
  if (expect.validation_error) {
    const v = expect.validation_error;
    assert.deepEqual(got, { validation_error: { field: expectedField(v.field), rule: v.rule } });
    assert.deepEqual(sent, []);
  } else if (expect.results) {
    const want = expect.results.map((r) =>
      r.validation_error ? { validation_error: { ...r.validation_error, field: expectedField(r.validation_error.field) } } : r,
    );
    assert.deepEqual(got, { results: want });
  } else {
    // One result per input: "ok" when every input succeeded.
    assert.deepEqual(got?.results?.every((r) => r === 'ok') ? 'ok' : got, expect.outcome);
    assert.equal(sent.length, 1, `requests sent: ${sent.map((e) => `${e.method} ${e.path}`).join(', ')}`);
    checkRequest(sent[0], expect.request);
  }
}

let em;
before(async () => {
  em = await startEmulator();
});
after(() => em.stop());

async function given(c) {
  await em.reset();
  if (c.given_config) await em.control('POST', 'config', c.given_config);
  if (c.given_profiles) await em.seed(c.given_profiles);
  await em.clearJournal();
}

const client = (c) =>
  new sdk.Adapty({
    apiKey: KEY,
    publicApiKey: 'public_node_tests_Wb52',
    mailApiKey: 'secret_mail_node_tests_Ml27',
    baseUrl: em.baseUrl,
    apiVersion: c.api_version,
    maxRetries: 0,
  });

for (const mode of WASM ? ['promise'] : ['promise', 'sync']) {
  for (const file of ['profiles.json', 'operations.json']) {
    for (const c of vectors(file)) {
      test(`${file}: ${c.name} (${mode})`, async () => {
        await given(c);
        const got = await settle(() => nodeCall(client(c), c.operation, c.input, mode));
        if (WASM && c.operation.endsWith('Csv') && 'request' in c.expect) {
          // The WebAssembly build has no files: a CSV export is refused before any request.
          assert.match(got.unexpected ?? '', /CSV exports write files, which the WebAssembly build has not/);
          assert.deepEqual(await em.journal(), []);
          return;
        }
        await check(got, c.expect);
      });
    }
  }
}
