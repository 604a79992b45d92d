'use strict';
// Virtual currencies, with the Promise methods and their *Sync twins.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const sdk = require('adapty-server');
const { uniqueUser } = require('./helpers.cjs');
const { useEmulator, clientOf, MODES, seeded, rejectsWith } = require('./features.cjs');

const em = useEmulator();
const client = clientOf(em);

for (const [mode, { call, collect }] of Object.entries(MODES)) {
  describe(`virtual currency (${mode})`, () => {
    test('a repeated Idempotency-Key credits once and answers the same', async () => {
      const v = client().virtualCurrency;
      const ref = await seeded(em);
      // Metadata keys are the caller's own: they travel and come back as given.
      const metadata = { order_id: 'o-1', source_page: 'web' };
      const input = { ...ref, items: [{ currencyCode: 'COINS', amount: 100 }], metadata, idempotencyKey: randomUUID() };
      const first = await call(v, 'createTransaction', input);
      const again = await call(v, 'createTransaction', input);
      assert.equal(again.transactionId, first.transactionId);
      assert.deepEqual(first.balances, [{ code: 'COINS', name: 'Gold Coins', balance: 100, held: 0, available: 100 }]);
      const balances = await call(v, 'balances', ref);
      assert.deepEqual(
        balances.data.map((b) => [b.code, b.available]),
        [
          ['COINS', 100],
          ['GEMS', 0],
        ],
      );
      assert.equal(typeof balances.responseCreatedAt, 'number');
      const sent = (await em.journal()).filter((e) => e.method === 'POST');
      assert.deepEqual(
        sent.map((e) => e.headers['idempotency-key']),
        [input.idempotencyKey, input.idempotencyKey],
      );
      assert.deepEqual(JSON.parse(sent[0].body), { items: [{ currency_code: 'COINS', amount: 100 }], metadata });
      const [entry] = await collect(v, 'listAllTransactions', ref);
      assert.deepEqual(entry.metadata, metadata);
    });

    test('without a key each call is its own transaction; debits never overdraw', async () => {
      const v = client().virtualCurrency;
      const ref = await seeded(em);
      await call(v, 'createTransaction', { ...ref, items: [{ currencyCode: 'GEMS', amount: 5 }] });
      await call(v, 'createTransaction', { ...ref, items: [{ currencyCode: 'GEMS', amount: 5 }] });
      await rejectsWith(
        call(v, 'createTransaction', {
          ...ref,
          items: [
            { currencyCode: 'GEMS', amount: -11 },
            { currencyCode: 'COINS', amount: 1 },
          ],
        }),
        sdk.BadRequestError,
        {
          errorCode: 'insufficient_balance',
        },
      );
      const spent = await call(v, 'createTransaction', { ...ref, items: [{ currencyCode: 'GEMS', amount: -10 }] });
      assert.deepEqual(
        spent.balances.map((b) => [b.code, b.balance]),
        [['GEMS', 0]],
      );
      assert.deepEqual(
        (await call(v, 'balances', ref)).data.map((b) => b.balance),
        [0, 0],
      );
      const keys = (await em.journal()).filter((e) => e.method === 'POST').map((e) => e.headers['idempotency-key']);
      assert.equal(new Set(keys).size, 4);
      for (const key of keys) assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    test('history: one page, a filtered page, and every page through the iterator', async () => {
      const v = client().virtualCurrency;
      const ref = await seeded(em);
      for (let i = 1; i <= 5; i++)
        await v.createTransaction({ ...ref, items: [{ currencyCode: i % 2 ? 'COINS' : 'GEMS', amount: i }] });
      await em.clearJournal();
      const page = await call(v, 'listTransactions', { ...ref, limit: 2 });
      assert.deepEqual(
        page.data.map((t) => t.items[0].amount),
        [5, 4],
      );
      assert.equal(typeof page.nextCursor, 'string');
      const next = await call(v, 'listTransactions', { ...ref, limit: 2, cursor: page.nextCursor });
      assert.deepEqual(
        next.data.map((t) => t.items[0].amount),
        [3, 2],
      );
      const gems = await call(v, 'listTransactions', { ...ref, currencyCode: 'GEMS' });
      assert.deepEqual([gems.data.map((t) => t.items[0].amount), gems.nextCursor], [[4, 2], null]);
      await em.clearJournal();
      const all = await collect(v, 'listAllTransactions', { ...ref, limit: 2 });
      assert.deepEqual(
        all.map((t) => t.items[0].amount),
        [5, 4, 3, 2, 1],
      );
      assert.deepEqual(
        all.map((t) => t.transactionType),
        Array(5).fill('api_transaction'),
      );
      assert.equal(all[0].items[0].balanceAfter, 9);
      const sent = await em.journal();
      assert.equal(sent.length, 3);
      assert.ok(sent.slice(1).every((e) => /cursor=/.test(e.query)));
      assert.deepEqual(await collect(v, 'listAllTransactions', { ...ref, currencyCode: 'EUR' }), []);
    });

    test('history ends with an internal error when a cursor comes back; an empty cursor ends it', async () => {
      const v = client().virtualCurrency;
      const ref = { customerUserId: uniqueUser() };
      const path_prefix = '/api/v2/server-side-api/vc/transactions';
      await em.fault({
        method: 'GET',
        path_prefix,
        status: 200,
        body: { data: [], pagination: { next_cursor: 'abc' } },
        times: 10,
      });
      await rejectsWith(collect(v, 'listAllTransactions', { ...ref, limit: 2 }), sdk.InternalError, {
        code: 'internal',
        message: 'internal SDK error: the API returned cursor "abc" again',
      });
      const sent = await em.journal();
      assert.deepEqual(
        sent.map((e) => new URLSearchParams(e.query).get('cursor')),
        [null, 'abc'],
      );

      await em.reset();
      await em.fault({ method: 'GET', path_prefix, status: 200, body: { data: [], pagination: { next_cursor: '' } }, times: 10 });
      assert.deepEqual(await collect(v, 'listAllTransactions', ref), []);
      assert.equal((await em.journal()).length, 1);
    });

    test('validation before sending, and errors from the API', async () => {
      const v = client().virtualCurrency;
      const ref = { customerUserId: 'anyone' };
      const item = { currencyCode: 'COINS', amount: 1 };
      const cases = [
        [{ items: [] }, 'items'],
        [{ items: [{ currencyCode: 'COINS', amount: 0 }] }, 'items[0].amount'],
        [{ items: [item, item] }, 'items[1].currencyCode'],
        [{ items: [item], metadata: { 'Order-Id': 'x' } }, 'metadata.Order-Id'],
        [{ items: [item], idempotencyKey: 'order-1' }, 'idempotencyKey'],
      ];
      for (const [input, field] of cases) {
        await rejectsWith(call(v, 'createTransaction', { ...ref, ...input }), sdk.ValidationError, { field });
      }
      await rejectsWith(call(v, 'listTransactions', { ...ref, limit: 0 }), sdk.ValidationError, { field: 'limit' });
      await rejectsWith(call(v, 'createTransaction', { ...ref, items: [{ currency: 'COINS', amount: 1 }] }), TypeError, {});
      assert.deepEqual(await em.journal(), []);
      await rejectsWith(call(v, 'balances', { customerUserId: 'nobody' }), sdk.NotFoundError, {
        errorCode: 'profile_does_not_exist',
      });
      await rejectsWith(call(v, 'createTransaction', { customerUserId: 'nobody', items: [item] }), sdk.NotFoundError, {
        status: 404,
      });
    });
  });
}
