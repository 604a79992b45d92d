'use strict';
// Paywalls, with the Promise methods and their *Sync twins.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const sdk = require('adapty-server');
const { useEmulator, clientOf, MODES, rejectsWith, pagesSent } = require('./features.cjs');

const em = useEmulator();
const client = clientOf(em);

for (const [mode, { call, collect }] of Object.entries(MODES)) {
  describe(`paywalls (${mode})`, () => {
    test('list a page, get one, replace its remote configs', async () => {
      const p = client().paywalls;
      const page = await call(p, 'list', { page: 2, pageSize: 2 });
      assert.deepEqual([page.page, page.pages, page.count, page.data.length, page.nextCursor], [2, 2, 3, 1, null]);
      const first = await call(p, 'list');
      assert.deepEqual([first.page, first.data.length, typeof first.nextCursor], [1, 3, 'object']);
      const id = first.data[0].paywallId;
      const paywall = await call(p, 'get', id);
      assert.equal(paywall.paywallId, id);
      assert.ok(paywall.remoteConfigs.length > 0);
      const data = JSON.stringify({ title: 'Go premium', discount: 20 });
      const updated = await call(p, 'update', id, {
        remoteConfigs: [
          { locale: 'en', data },
          { locale: 'de', data: '{}' },
        ],
      });
      assert.deepEqual(updated.remoteConfigs, [
        { locale: 'en', data },
        { locale: 'de', data: '{}' },
      ]);
      assert.deepEqual((await call(p, 'get', id)).remoteConfigs, updated.remoteConfigs);
      const sent = (await em.journal()).find((e) => e.method === 'PUT');
      assert.deepEqual(JSON.parse(sent.body), {
        remote_configs: [
          { locale: 'en', data },
          { locale: 'de', data: '{}' },
        ],
      });
    });

    test('errors: unknown paywall, bad JSON text, page size out of range', async () => {
      const p = client().paywalls;
      await rejectsWith(call(p, 'get', randomUUID()), sdk.NotFoundError, { errorCode: 'paywall_does_not_exist' });
      await em.clearJournal();
      await rejectsWith(
        call(p, 'update', randomUUID(), { remoteConfigs: [{ locale: 'en', data: '{"a":' }] }),
        sdk.ValidationError,
        { field: 'remoteConfigs[0].data' },
      );
      await rejectsWith(call(p, 'list', { pageSize: 101 }), sdk.ValidationError, { field: 'pageSize', rule: 'range' });
      await rejectsWith(call(p, 'get', 7), TypeError, { field: 'paywallId' });
      await rejectsWith(call(p, 'list', { size: 2 }), TypeError, {});
      assert.deepEqual(await em.journal(), []);
    });

    test('listAll walks every page, retrying a 429 with Retry-After', async () => {
      await em.control('POST', 'paywalls', { count: 8 });
      await em.fault({ method: 'GET', path_prefix: '/api/v2/server-side-api/paywalls', status: 429, retry_after: '1' });
      const started = Date.now();
      const all = await collect(client().paywalls, 'listAll', { pageSize: 3 });
      assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
      assert.equal(all.length, 11);
      assert.equal(new Set(all.map((p) => p.paywallId)).size, 11);
      assert.deepEqual(await pagesSent(em), [
        [429, 1],
        [200, 1],
        [200, 2],
        [200, 3],
        [200, 4],
      ]);
    });

    test('listAll ends with an internal error when a page number comes back', async () => {
      // A server that ignores `page` says "page 1 of 5" every time: the walk asks for page 2 once.
      const body = { data: [], meta: { pagination: { count: 10, page: 1, pages: 5 } } };
      await em.fault({ method: 'GET', path_prefix: '/api/v2/server-side-api/paywalls', status: 200, body, times: 10 });
      await rejectsWith(collect(client().paywalls, 'listAll', { pageSize: 10 }), sdk.InternalError, {
        code: 'internal',
        message: 'internal SDK error: the API returned cursor "2" again',
      });
      assert.deepEqual(await pagesSent(em), [
        [200, 1],
        [200, 2],
      ]);
    });
  });
}
