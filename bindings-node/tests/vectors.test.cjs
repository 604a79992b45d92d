'use strict';
// The shared cases of tests/vectors/profiles.json. The vectors speak the API's snake_case; this
// package takes camelCase, so inputs and expected field names are renamed here.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const sdk = require('adapty-server');
const { KEY, ROOT, startEmulator } = require('./helpers.cjs');

const { cases } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'vectors', 'profiles.json'), 'utf8'));
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** snake_case input object -> camelCase, leaving custom attribute keys alone. */
function camelInput(value) {
  if (Array.isArray(value)) return value.map(camelInput);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [camel(k), k === 'custom_attributes' ? v : camelInput(v)]),
  );
}

function expectedField(field) {
  const [head, ...rest] = field.split('.');
  return [camel(head), ...(head.startsWith('custom_attributes') ? rest : rest.map(camel))].join('.');
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

let em;
before(async () => {
  em = await startEmulator();
});
after(() => em.stop());

for (const mode of ['promise', 'sync']) {
  for (const c of cases) {
    if (mode === 'sync' && c.operation === 'delete_many') continue;
    test(`${c.name} (${mode})`, async () => {
      await em.reset();
      if (c.given_profiles) {
        await em.seed(c.given_profiles);
        await em.clearJournal();
      }
      const client = new sdk.Adapty({ apiKey: KEY, baseUrl: em.baseUrl, apiVersion: c.api_version, maxRetries: 0 });
      const input = camelInput(c.input);
      let got;
      if (c.operation === 'delete_many') {
        const results = await client.profiles.deleteMany(input.refs, { concurrency: input.concurrency });
        got = { results: results.map((r) => outcome(r.error)) };
      } else {
        const method = { get: 'get', create: 'create', update: 'update', delete: 'delete' }[c.operation];
        const arg = { ...(input.profileId !== undefined && { profileId: input.profileId }), ...(input.customerUserId !== undefined && { customerUserId: input.customerUserId }), ...(input.params ?? {}) };
        try {
          await (mode === 'sync' ? client.profiles[`${method}Sync`](arg) : client.profiles[method](arg));
          got = 'ok';
        } catch (e) {
          got = outcome(e);
        }
      }
      const expect = c.expect;
      const sent = await em.journal();
      if (expect.validation_error) {
        const v = expect.validation_error;
        assert.deepEqual(got, { validation_error: { field: expectedField(v.field), rule: v.rule } });
        assert.deepEqual(sent, []);
      } else if (expect.results) {
        const want = expect.results.map((r) => (r.validation_error ? { validation_error: { ...r.validation_error, field: expectedField(r.validation_error.field) } } : r));
        assert.deepEqual(got, { results: want });
      } else {
        assert.deepEqual(got, expect.outcome);
        assert.equal(sent.length, 1);
        const [entry] = sent;
        const req = expect.request;
        assert.deepEqual([entry.method, entry.path], [req.method, req.path]);
        for (const [name, value] of Object.entries(req.headers)) assert.equal(entry.headers[name], value, name);
        for (const name of req.absent_headers) assert.ok(!(name in entry.headers), name);
        const body = entry.body ? JSON.parse(entry.body) : null;
        assert.ok(same(body, req.body), `${JSON.stringify(body)} != ${JSON.stringify(req.body)}`);
      }
    });
  }
}
