'use strict';
// `Adapty`: Promise methods that never block the event loop, and `*Sync` twins that do.
//
// Every method is described once in API below and built by `namespaceClass`: what its input holds
// (a profile ref, arguments of the core's own, a request body), the core operation it runs and
// the model its result becomes. List walks (`paywalls.listAll`, `virtualCurrency.transactions`)
// take the arguments of the list method they repeat and run the core's walk over its pages.

const path = require('node:path');
const errors = require('./errors');
const { fromCore, toCore, snakeCase } = require('./convert');
const { MODELS } = require('./models');

const { NativeClient } = require(path.join(__dirname, '..', 'adapty-server.node'));

/**
 * Each method: `op` the core operation; `ref` whether the input names a profile (`profileId` or
 * `customerUserId`); `id` the core argument a first positional parameter is (e.g. `paywall_id`);
 * `args` the input keys that are the core's own arguments (camelCase of theirs); `body` the
 * generated INPUTS table the other keys are converted with (none: no other key is allowed);
 * `result` the model the result becomes (none: the method returns undefined).
 */
const API = {
  profiles: {
    get: { op: 'profiles.get', ref: true, result: 'Profile' },
    create: { op: 'profiles.create', ref: true, body: 'ProfileFields', result: 'Profile' },
    update: { op: 'profiles.update', ref: true, body: 'ProfileFields', result: 'Profile' },
    delete: { op: 'profiles.delete', ref: true },
  },
  purchases: {
    setTransaction: { op: 'purchases.setTransaction', ref: true, body: 'TransactionParams', result: 'Profile' },
    validateStripe: { op: 'purchases.validateStripe', body: 'StripeValidationParams' },
    validatePaddle: { op: 'purchases.validatePaddle', body: 'PaddleValidationParams', result: 'Profile' },
  },
  accessLevels: {
    grant: { op: 'accessLevels.grant', ref: true, body: 'GrantAccessParams', result: 'Profile' },
    revoke: { op: 'accessLevels.revoke', ref: true, body: 'RevokeAccessParams', result: 'Profile' },
  },
  refundSaver: {
    get: { op: 'refundSaver.get', ref: true, result: 'RefundSaverSettings' },
    set: { op: 'refundSaver.set', ref: true, body: 'RefundSaverParams', result: 'RefundSaverSettings' },
  },
  integrations: {
    get: { op: 'integrations.get', ref: true, result: 'IntegrationIdentifiers' },
    set: { op: 'integrations.set', ref: true, body: 'IntegrationIdentifiers' },
  },
  paywalls: {
    list: { op: 'paywalls.list', args: ['page', 'pageSize', 'cursor'], result: 'PaywallPage' },
    get: { op: 'paywalls.get', id: 'paywall_id', result: 'Paywall' },
    update: { op: 'paywalls.update', id: 'paywall_id', body: 'PaywallUpdateParams', result: 'Paywall' },
  },
  virtualCurrency: {
    createTransaction: {
      op: 'virtualCurrency.createTransaction',
      ref: true,
      args: ['idempotencyKey'],
      body: 'VirtualCurrencyTransactionParams',
      result: 'VirtualCurrencyTransactionResult',
    },
    listTransactions: {
      op: 'virtualCurrency.listTransactions',
      ref: true,
      args: ['currencyCode', 'limit', 'cursor'],
      result: 'VirtualCurrencyTransactionPage',
    },
    balances: { op: 'virtualCurrency.balances', ref: true, result: 'VirtualCurrencyBalances' },
  },
};

/** Walks over every item of a list: walk method -> the list method it calls page by page. */
const WALKS = {
  paywalls: { listAll: 'list' },
  virtualCurrency: { transactions: 'listTransactions' },
};

function unwrap(result) {
  if (result.error) throw errors.fromCore(result.error);
  return result.ok;
}

/** A method's parameters (`[input]`, or `[id, input]` when it has `id`) as the core's arguments. */
function coreArgs(spec, params) {
  const out = {};
  if (spec.id) out[spec.id] = params[0] ?? null;
  let input = spec.id ? params[1] : params[0];
  // Methods whose input is only optional arguments may be called without one.
  if (input === undefined && !spec.ref && !spec.body) input = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError(spec.ref ? 'expected an object with profileId or customerUserId' : 'expected an object');
  }
  let rest = input;
  if (spec.ref) {
    const { profileId, customerUserId, ...others } = rest;
    out.profile_id = profileId ?? null;
    out.customer_user_id = customerUserId ?? null;
    rest = others;
  }
  if (spec.args) {
    rest = { ...rest };
    for (const key of spec.args) {
      out[snakeCase(key)] = rest[key] ?? null;
      delete rest[key];
    }
  }
  if (spec.body) out.fields = toCore(spec.body, rest);
  else {
    const unknown = Object.keys(rest).filter((k) => rest[k] !== undefined);
    if (unknown.length) throw new TypeError(`unknown field ${unknown.join(', ')}`);
  }
  return out;
}

const NATIVE = Symbol('native');
const CALL = Symbol('call');
const CALL_SYNC = Symbol('callSync');

/** The base of every namespace: runs core operations on the client's native handle. */
class Namespace {
  constructor(native) {
    Object.defineProperty(this, NATIVE, { value: native });
  }

  async [CALL](spec, params) {
    const value = unwrap(await this[NATIVE]().call(spec.op, coreArgs(spec, params)));
    return spec.result ? fromCore(spec.result, value) : undefined;
  }

  [CALL_SYNC](spec, params) {
    const value = unwrap(this[NATIVE]().callSync(spec.op, coreArgs(spec, params)));
    return spec.result ? fromCore(spec.result, value) : undefined;
  }
}

/** The core's walk over every page of `op` (a wrong `op` throws, described by the core). */
function openWalk(native, op, args) {
  try {
    return native.walk(op, args);
  } catch (e) {
    throw errors.fromCore(JSON.parse(e.message));
  }
}

/**
 * Every item of every page of the list `spec` with the core arguments `args`, as the model its
 * pages hold: the core's walk fetches each page (passing the previous page's cursor) when the last
 * one is used up, ends on an empty cursor, and ends with an error on a cursor it already sent, as
 * in every language. `native` is the client's handle getter.
 */
async function* walk(native, spec, args) {
  const item = pageItem(spec);
  const pages = openWalk(native(), spec.op, args);
  for (;;) {
    native(); // a closed client throws here, as every call does
    const items = unwrap(await pages.next());
    if (items === null) return;
    for (const data of items) yield fromCore(item, data);
  }
}

function* walkSync(native, spec, args) {
  const item = pageItem(spec);
  const pages = openWalk(native(), spec.op, args);
  for (;;) {
    native();
    const items = unwrap(pages.nextSync());
    if (items === null) return;
    for (const data of items) yield fromCore(item, data);
  }
}

/** The model of the items of the list `spec`'s pages (its result's `data`). */
function pageItem(spec) {
  return MODELS[spec.result].fields.data[1][1];
}

/** Adds the method `name` (so named in stack traces) to the prototype of `cls`. */
function define(cls, name, fn) {
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(cls.prototype, name, { value: fn, writable: true, configurable: true });
}

/** A Namespace subclass with a Promise method and a `*Sync` twin per entry of `methods`. */
function namespaceClass(name, methods, walks = {}) {
  const cls = class extends Namespace {};
  Object.defineProperty(cls, 'name', { value: name });
  for (const [method, spec] of Object.entries(methods)) {
    define(cls, method, async function (...params) {
      return this[CALL](spec, params);
    });
    define(cls, `${method}Sync`, function (...params) {
      return this[CALL_SYNC](spec, params);
    });
  }
  for (const [method, list] of Object.entries(walks)) {
    const spec = methods[list];
    define(cls, method, function (input) {
      return walk(this[NATIVE], spec, coreArgs(spec, [input])); // a wrong input throws here, not at the first page
    });
    define(cls, `${method}Sync`, function (input) {
      return walkSync(this[NATIVE], spec, coreArgs(spec, [input]));
    });
  }
  return cls;
}

class Profiles extends namespaceClass('Profiles', API.profiles) {
  async deleteMany(list, options) {
    if (!Array.isArray(list)) throw new TypeError('refs must be an array');
    const refs = list.map((r) => ({ profile_id: r?.profileId ?? null, customer_user_id: r?.customerUserId ?? null }));
    const results = unwrap(await this[NATIVE]().call('profiles.deleteMany', { refs, concurrency: options?.concurrency ?? null }));
    return results.map((e, i) => ({ ref: list[i], ok: e === null, error: e === null ? null : errors.fromCore(e) }));
  }
}

const NAMESPACES = {
  profiles: Profiles,
  ...Object.fromEntries(
    Object.entries(API)
      .filter(([ns]) => ns !== 'profiles')
      .map(([ns, methods]) => [ns, namespaceClass(ns[0].toUpperCase() + ns.slice(1), methods, WALKS[ns])]),
  ),
};

class Adapty {
  #native;
  /** @param {import('../index').AdaptyOptions} [options] */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    try {
      // Unset options stay null: the core applies its defaults and the environment variables.
      this.#native = new NativeClient({
        api_key: options.apiKey ?? null,
        base_url: options.baseUrl ?? null,
        api_version: options.apiVersion ?? null,
        timeout_ms: options.timeoutMs ?? null,
        connect_timeout_ms: options.connectTimeoutMs ?? null,
        max_retries: options.maxRetries ?? null,
        language: ['node', process.versions.node],
      });
    } catch (e) {
      throw errors.fromCore(JSON.parse(e.message));
    }
    this.baseUrl = this.#native.baseUrl;
    const native = () => {
      if (!this.#native) throw new errors.AdaptyError('the client is closed', { code: 'closed' });
      return this.#native;
    };
    for (const [name, cls] of Object.entries(NAMESPACES)) this[name] = new cls(native);
  }

  /** Ends the client; later calls throw. Connections are shared process-wide and stay pooled. */
  close() {
    this.#native = null;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Adapty { baseUrl: '${this.baseUrl}' }`;
  }
}

module.exports = { Adapty };
