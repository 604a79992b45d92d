'use strict';
// What the feature suites share: an emulator per test file, reset before each test; the two
// calling styles; inputs and readers.

const { before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const { Adapty } = require('adapty-server');
const { KEY, startEmulator, uniqueUser } = require('./helpers.cjs');

/** Starts an emulator for the calling test file and resets it before each test; the returned
 * object stands for it (its methods and `baseUrl`) once it has started. */
function useEmulator() {
  let started;
  before(async () => {
    started = await startEmulator();
  });
  after(() => started.stop());
  beforeEach(() => started.reset());
  return new Proxy(
    {},
    {
      get: (_, key) => {
        const value = started[key];
        return typeof value === 'function' ? value.bind(started) : value;
      },
    },
  );
}

/** A client of `em` (options added to the key and base URL). */
const clientOf =
  (em) =>
  (options = {}) =>
    new Adapty({ apiKey: KEY, baseUrl: em.baseUrl, ...options });

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

/** A profile `em` knows, by customer user id. */
async function seeded(em) {
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

/** The status and page number of each request `em` received. */
const pagesSent = async (em) => (await em.journal()).map((e) => [e.status, Number(new URLSearchParams(e.query).get('page'))]);

const premium = (profile) => profile.accessLevels.find((a) => a.accessLevelId === 'premium');

module.exports = { useEmulator, clientOf, MODES, day, iso, subscription, seeded, rejectsWith, pagesSent, premium };
