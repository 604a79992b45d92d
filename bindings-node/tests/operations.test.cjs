'use strict';
// The operations beyond the Profile API, each with the Promise method and its *Sync twin:
// purchases, access levels, Refund Saver, integrations, paywalls and virtual currencies.

const { test, describe, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const sdk = require('adapty-server');
const { Adapty } = sdk;
const { KEY, startEmulator, uniqueUser } = require('./helpers.cjs');

let em;
before(async () => {
  em = await startEmulator();
});
after(() => em.stop());
beforeEach(() => em.reset());

const client = (options = {}) => new Adapty({ apiKey: KEY, baseUrl: em.baseUrl, ...options });

// The same bodies for both styles: `call(ns, 'get', ...params)` awaits the Promise method or runs
// the *Sync twin; `collect(ns, 'listAll', input)` walks with `for await` or a plain `for`.
const MODES = {
  promise: {
    call: (ns, method, ...params) => ns[method](...params),
    collect: async (ns, method, input) => {
      const items = [];
      for await (const item of ns[method](input)) items.push(item);
      return items;
    },
  },
  sync: {
    call: async (ns, method, ...params) => ns[`${method}Sync`](...params),
    collect: async (ns, method, input) => {
      const items = [];
      for (const item of ns[`${method}Sync`](input)) items.push(item);
      return items;
    },
  },
};

const day = 86_400_000;
const iso = (ms) => new Date(ms).toISOString();

/** A monthly subscription bought a day ago that expires in a month. */
function subscription(overrides = {}) {
  const bought = iso(Date.now() - day);
  return {
    purchaseType: 'subscription',
    store: 'app_store',
    storeProductId: 'premium_monthly',
    storeTransactionId: `tx-${randomUUID().slice(0, 8)}`,
    storeOriginalTransactionId: 'orig-1',
    price: { country: 'US', currency: 'USD', value: 4.99 },
    purchasedAt: bought,
    originallyPurchasedAt: bought,
    expiresAt: iso(Date.now() + 30 * day),
    renewStatus: true,
    ...overrides,
  };
}

/** A profile the emulator knows, by customer user id. */
async function seeded() {
  const customerUserId = uniqueUser();
  await em.seed([{ customer_user_id: customerUserId }]);
  await em.clearJournal();
  return { customerUserId };
}

/** Asserts that `promise` rejects with an instance of `cls` having `props`. */
async function rejectsWith(promise, cls, props) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof cls, `${e}`);
    for (const [key, value] of Object.entries(props)) assert.deepEqual(e[key], value, key);
    return true;
  });
}

/** The status and page number of each request the emulator received. */
const pagesSent = async () => (await em.journal()).map((e) => [e.status, Number(new URLSearchParams(e.query).get('page'))]);

const premium = (profile) => profile.accessLevels.find((a) => a.accessLevelId === 'premium');

for (const [mode, { call, collect }] of Object.entries(MODES)) {
  describe(`purchases and access levels (${mode})`, () => {
    test('a recorded subscription grants premium; revoking ends it now', async () => {
      const c = client();
      const ref = await seeded();
      const bought = await call(c.purchases, 'setTransaction', { ...ref, ...subscription() });
      assert.equal(bought.customerUserId, ref.customerUserId);
      assert.equal(bought.totalRevenueUsd, 4.99);
      assert.ok(Date.parse(premium(bought).expiresAt) > Date.now() + 29 * day);
      assert.deepEqual(
        bought.subscriptions.map((s) => [s.storeProductId, s.storeOriginalTransactionId]),
        [['premium_monthly', 'orig-1']],
      );
      const [sent] = await em.journal();
      assert.equal(JSON.parse(sent.body).price.value, 4.99);
      assert.equal(JSON.parse(sent.body).store_original_transaction_id, 'orig-1');

      const revoked = await call(c.accessLevels, 'revoke', { ...ref, accessLevelId: 'premium' });
      assert.ok(Date.parse(premium(revoked).expiresAt) <= Date.now());
      assert.ok(!(await c.profiles.get(ref)).accessLevels.some((a) => Date.parse(a.expiresAt) > Date.now()));
    });

    test('a one-time purchase of a consumable is a non-subscription', async () => {
      const ref = await seeded();
      const fields = {
        purchaseType: 'one_time_purchase',
        store: 'play_store',
        storeProductId: 'coins_100',
        storeTransactionId: 'gpa-1',
        storeOriginalTransactionId: 'gpa-1',
        price: { country: 'DE', currency: 'EUR', value: 0.99 },
        purchasedAt: iso(Date.now()),
      };
      const profile = await call(client().purchases, 'setTransaction', {
        profileId: (await client().profiles.get(ref)).profileId,
        ...fields,
      });
      assert.deepEqual(
        profile.nonSubscriptions.map((n) => [n.storeProductId, n.isConsumable]),
        [['coins_100', true]],
      );
      assert.deepEqual(profile.accessLevels, []);
    });

    test('grant with dates, and an access level the app does not have', async () => {
      const c = client();
      const ref = await seeded();
      const expiresAt = '2030-12-31T23:59:59Z';
      const granted = await call(c.accessLevels, 'grant', {
        ...ref,
        accessLevelId: 'premium',
        startsAt: iso(Date.now() - 1000),
        expiresAt,
      });
      assert.equal(Date.parse(premium(granted).expiresAt), Date.parse(expiresAt));
      await rejectsWith(call(c.accessLevels, 'grant', { ...ref, accessLevelId: 'gold' }), sdk.BadRequestError, {
        status: 400,
        code: 'bad_request',
        errorCode: 'paid_access_level_does_not_exist',
      });
    });

    test('cross-field rules of a transaction are checked before sending', async () => {
      const p = client().purchases;
      const bought = '2024-01-15T10:30:00Z';
      const cases = [
        [
          subscription({ purchasedAt: bought, originallyPurchasedAt: bought, expiresAt: '2024-01-14T10:30:00Z' }),
          'expiresAt',
          'conflict',
          'expires_date_error',
        ],
        [subscription({ isFamilyShared: true }), 'isFamilyShared', 'conflict', 'family_share_price_error'],
        [
          subscription({ offer: { category: 'introductory', type: 'free_trial' } }),
          'offer.type',
          'conflict',
          'free_trial_price_error',
        ],
        [subscription({ expiresAt: undefined }), 'expiresAt', 'required', null],
        [
          { ...subscription({ purchaseType: 'one_time_purchase', storeOriginalTransactionId: 'x' }) },
          'storeTransactionId',
          'conflict',
          'store_transaction_id_error',
        ],
        [subscription({ price: { country: 'US', currency: 'US$', value: 1 } }), 'price.currency', 'format', null],
      ];
      for (const [fields, field, rule, errorCode] of cases) {
        await rejectsWith(call(p, 'setTransaction', { customerUserId: 'anyone', ...fields }), sdk.ValidationError, {
          field,
          rule,
          errorCode,
          code: 'validation',
        });
      }
      await rejectsWith(
        call(p, 'setTransaction', {
          customerUserId: 'anyone',
          ...subscription(),
          price: { country: 'US', currency: 'USD', value: 1, tax: 0 },
        }),
        TypeError,
        {},
      );
      await rejectsWith(
        call(client().accessLevels, 'revoke', {
          customerUserId: 'anyone',
          accessLevelId: 'premium',
          revokeAt: '2020-01-01T00:00:00Z',
        }),
        sdk.ValidationError,
        { field: 'revokeAt' },
      );
      assert.deepEqual(await em.journal(), []);
    });

    test('Stripe and Paddle purchases import into a new profile', async () => {
      const p = client().purchases;
      const stripeUser = uniqueUser();
      assert.equal(
        await call(p, 'validateStripe', { customerUserId: stripeUser, stripeToken: 'sub_1NmzRk2eZvKYlo2C' }),
        undefined,
      );
      assert.ok(premium(await client().profiles.get({ customerUserId: stripeUser })));
      const paddleUser = uniqueUser();
      const imported = await call(p, 'validatePaddle', { customerUserId: paddleUser, paddleToken: 'txn_01h8bx' });
      assert.equal(imported.customerUserId, paddleUser);
      assert.ok(premium(imported));
      const [stripeSent, , paddleSent] = await em.journal();
      assert.ok(stripeSent.body.includes('"stripe_token":"sub_1NmzRk2eZvKYlo2C"'), stripeSent.body);
      assert.deepEqual(JSON.parse(paddleSent.body), { customer_user_id: paddleUser, paddle_token: 'txn_01h8bx' });
      await rejectsWith(call(p, 'validateStripe', { customerUserId: stripeUser, stripeToken: 'tok_bad' }), sdk.BadRequestError, {
        status: 400,
      });
      await rejectsWith(call(p, 'validatePaddle', { customerUserId: paddleUser, paddleToken: 'bad' }), sdk.BadRequestError, {
        status: 400,
      });
      await rejectsWith(call(p, 'validateStripe', { customerUserId: stripeUser }), sdk.ValidationError, {
        field: 'stripeToken',
        rule: 'required',
      });
    });
  });

  describe(`profile settings (${mode})`, () => {
    test('Refund Saver: read the defaults, set one setting, read it back', async () => {
      const r = client().refundSaver;
      const ref = await seeded();
      const defaults = await call(r, 'get', ref);
      assert.deepEqual(defaults.settings, { consent: false, customPreference: 'no_preference' });
      const set = await call(r, 'set', { ...ref, customPreference: 'grant' });
      assert.deepEqual(set.settings, { consent: false, customPreference: 'grant' });
      assert.equal(set.profileId, defaults.profileId);
      assert.deepEqual((await call(r, 'set', { ...ref, consent: true })).settings, { consent: true, customPreference: 'grant' });
      assert.deepEqual((await call(r, 'get', ref)).settings, { consent: true, customPreference: 'grant' });
      const sent = (await em.journal()).filter((e) => e.method === 'POST').map((e) => JSON.parse(e.body));
      assert.deepEqual(sent, [{ custom_preference: 'grant' }, { consent: true }]);
    });

    test('integrations: set some identifiers, the others keep their value', async () => {
      const i = client().integrations;
      const ref = await seeded();
      assert.equal(await call(i, 'set', { ...ref, appsflyerId: 'af-1', oneSignalSubscriptionId: 'os-1' }), undefined);
      await call(i, 'set', { ...ref, mixpanelUserId: 'mp-1' });
      const ids = await call(i, 'get', ref);
      assert.deepEqual(
        [ids.appsflyerId, ids.oneSignalSubscriptionId, ids.mixpanelUserId, ids.branchId],
        ['af-1', 'os-1', 'mp-1', null],
      );
      const [first] = await em.journal();
      assert.deepEqual(JSON.parse(first.body), { appsflyer_id: 'af-1', one_signal_subscription_id: 'os-1' });
      await em.clearJournal();
      // The core knows the identifiers: it refuses another key, naming it as given.
      await rejectsWith(call(i, 'set', { ...ref, appsFlyerId: 'x' }), sdk.ValidationError, {
        field: 'appsFlyerId',
        rule: 'enum',
      });
      await rejectsWith(call(i, 'set', ref), sdk.ValidationError, { rule: 'required' });
      assert.deepEqual(await em.journal(), []);
      await rejectsWith(call(i, 'get', { customerUserId: 'nobody' }), sdk.NotFoundError, { status: 404 });
    });
  });

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
      assert.deepEqual(await pagesSent(), [
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
      assert.deepEqual(await pagesSent(), [
        [200, 1],
        [200, 2],
      ]);
    });
  });

  describe(`virtual currency (${mode})`, () => {
    test('a repeated Idempotency-Key credits once and answers the same', async () => {
      const v = client().virtualCurrency;
      const ref = await seeded();
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
      const ref = await seeded();
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
      const ref = await seeded();
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
    assert.deepEqual(await pagesSent(), [
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
