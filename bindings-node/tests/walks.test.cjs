'use strict';
// Walks over every page: retries, laziness, argument errors; and every method's *Sync twin.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { useEmulator, clientOf, pagesSent } = require('./features.cjs');

const em = useEmulator();
const client = clientOf(em);

describe('walks', () => {
  test('a 429 on a later page is retried and the walk goes on', async () => {
    await em.control('POST', 'paywalls', { count: 5 });
    const seen = [];
    for await (const paywall of client().paywalls.listAll({ pageSize: 2 })) {
      seen.push(paywall.paywallId);
      if (seen.length === 1)
        await em.fault({
          method: 'GET',
          status: 429,
          retry_after: '1',
          body: { errors: ['slow down'], error_code: 'rate_limited', status_code: 429 },
        });
    }
    assert.equal(new Set(seen).size, 8);
    assert.deepEqual(await pagesSent(em), [
      [200, 1],
      [429, 2],
      [200, 2],
      [200, 3],
      [200, 4],
    ]);
  });

  test('pages are fetched only as the iteration reaches them', async () => {
    await em.control('POST', 'paywalls', { count: 10 });
    for await (const paywall of client().paywalls.listAll({ pageSize: 4 })) {
      assert.ok(paywall.paywallId);
      break;
    }
    const [first] = client().paywalls.listAllSync({ pageSize: 4 });
    assert.ok(first.paywallId);
    assert.equal((await em.journal()).length, 2);
  });

  test('a wrong input throws at the call, not at the first page', async () => {
    const c = client();
    assert.throws(
      () => c.paywalls.listAll({ pageSize: 2, bogus: 1 }),
      (e) => e instanceof TypeError && /bogus/.test(e.message),
    );
    assert.throws(
      () => c.virtualCurrency.listAllTransactionsSync({ customerUserId: 'u', cursr: 'x' }),
      (e) => e instanceof TypeError && /cursr/.test(e.message),
    );
    // A walk sends the cursor itself.
    assert.throws(
      () => c.paywalls.listAll({ cursor: 'x' }),
      (e) => e instanceof TypeError && /cursor/.test(e.message),
    );
    assert.throws(() => c.virtualCurrency.listAllTransactions(null), TypeError);
    assert.throws(() => c.virtualCurrency.listAllTransactionsSync(), TypeError);
  });

  test('every method of every namespace has its Sync twin', () => {
    const c = client();
    for (const ns of ['profiles', 'purchases', 'accessLevels', 'refundSaver', 'integrations', 'paywalls', 'virtualCurrency']) {
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(c[ns])).filter((m) => m !== 'constructor');
      for (const m of methods.filter((m) => !m.endsWith('Sync')))
        assert.equal(typeof c[ns][`${m}Sync`], 'function', `${ns}.${m}Sync`);
    }
  });
});
