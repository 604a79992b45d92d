// `Adapty`: a native core client and the namespaces of generated methods (lib/generated/operations.js) on
// it. Its Promise methods never block the event loop; their `*Sync` twins do. Clients made with
// `withOptions` share the native client's settings, pool and request listeners.

const { BY_CODE } = require('./generated/errors');
const { errorFrom } = require('./bridge');
const { core } = require('./core');
const { coreCallOptions, coreOptions, namespaces } = require('./generated/operations');

/** Passed as the first constructor argument by `withOptions`, with the native client to wrap. */
const WRAP = Symbol('wrap');
const EVENT_TYPES = ['request', 'response'];

class Adapty {
  #native;
  /** The listeners by event type, shared by every client made from the first. */
  #listeners;

  /** @param {import('../index').AdaptyOptions} [options] */
  constructor(options = {}, wrapped = undefined) {
    if (options === WRAP) {
      this.#native = wrapped.native;
      this.#listeners = wrapped.listeners;
    } else {
      if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
      const { logger } = options;
      if (logger != null && typeof logger !== 'object' && typeof logger !== 'function')
        throw new TypeError('logger must be an object');
      const { nativeClient, runtime } = core();
      // With a logger, its lines go there instead of stderr.
      const settings = { ...coreOptions(options), ...(logger ? { log_level: 'off' } : {}), language: runtime };
      this.#native = native(() => nativeClient(settings));
      if (logger) native(() => this.#native.logTo(options.logLevel ?? null, (entry) => toLogger(logger, entry)));
      this.#listeners = { request: new Set(), response: new Set(), listening: false };
    }
    this.baseUrl = this.#native.baseUrl;
    const handle = () => {
      if (!this.#native) throw new BY_CODE.usage('the client is closed', { code: 'closed' });
      return this.#native;
    };
    Object.assign(this, namespaces(handle));
  }

  /** @param {import('../index').ClientRequestOptions} options */
  withOptions(options) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    const open = this.#open();
    const wrapped = native(() => open.withOptions(coreCallOptions(options)));
    return new Adapty(WRAP, { native: wrapped, listeners: this.#listeners });
  }

  /**
   * @param {'request' | 'response'} type
   * @param {(event: import('../index').RequestEvent) => void} listener
   */
  on(type, listener) {
    this.#handlers(type, listener).add(listener);
    if (!this.#listeners.listening) {
      const listeners = this.#listeners;
      this.#open().listen((text) => {
        const event = camelKeys(JSON.parse(text));
        for (const fn of listeners[event.type]) fn(event);
      });
      listeners.listening = true;
    }
    return this;
  }

  /**
   * @param {'request' | 'response'} type
   * @param {(event: import('../index').RequestEvent) => void} listener
   */
  off(type, listener) {
    this.#handlers(type, listener).delete(listener);
    return this;
  }

  #handlers(type, listener) {
    if (!EVENT_TYPES.includes(type))
      throw new TypeError(`unknown event type ${JSON.stringify(type)}; the types are ${EVENT_TYPES.join(', ')}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    return this.#listeners[type];
  }

  #open() {
    if (!this.#native) throw new BY_CODE.usage('the client is closed', { code: 'closed' });
    return this.#native;
  }

  /** Ends the client; later calls throw. Connections are shared process-wide and stay pooled. */
  close() {
    this.#native = null;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Adapty { baseUrl: '${this.baseUrl}' }`;
  }
}

/** `make()`'s native client; the core's error (thrown as its JSON description) as ours. */
function native(make) {
  try {
    return make();
  } catch (e) {
    throw errorFrom(JSON.parse(e.message));
  }
}

/** Hands one `LEVEL\tLINE` entry from the core to the logger's method of that level. */
function toLogger(logger, entry) {
  const tab = entry.indexOf('\t');
  logger[entry.slice(0, tab)]?.(entry.slice(tab + 1));
}

/** `{ request_id: 1 }` -> `{ requestId: 1 }` (an event's keys). */
function camelKeys(object) {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]));
}

module.exports = { Adapty };
