'use strict';
// `Adapty`: Promise methods that never block the event loop, and `*Sync` twins that do.

const path = require('node:path');
const errors = require('./errors');
const { fromCore, toCore } = require('./convert');

const { NativeClient } = require(path.join(__dirname, '..', 'adapty-server.node'));

function unwrap(result) {
  if (result.error) throw errors.fromCore(result.error);
  return result.ok;
}

/** Splits `{ profileId, customerUserId, ...fields }` into the core's arguments. */
function args(input, withFields) {
  if (input === null || typeof input !== 'object') throw new TypeError('expected an object with profileId or customerUserId');
  const { profileId, customerUserId, ...fields } = input;
  const out = { profile_id: profileId ?? null, customer_user_id: customerUserId ?? null };
  if (withFields) out.fields = toCore('ProfileFields', fields);
  else if (Object.keys(fields).length) throw new TypeError(`unknown field ${Object.keys(fields)[0]}`);
  return out;
}

function refs(list) {
  if (!Array.isArray(list)) throw new TypeError('refs must be an array');
  return list.map((r) => ({ profile_id: r?.profileId ?? null, customer_user_id: r?.customerUserId ?? null }));
}

class Profiles {
  #native;
  constructor(native) {
    this.#native = native;
  }

  async #call(op, a) {
    return unwrap(await this.#native().call(op, a));
  }

  #callSync(op, a) {
    return unwrap(this.#native().callSync(op, a));
  }

  async get(ref) {
    return fromCore('Profile', await this.#call('profiles.get', args(ref, false)));
  }
  async create(input) {
    return fromCore('Profile', await this.#call('profiles.create', args(input, true)));
  }
  async update(input) {
    return fromCore('Profile', await this.#call('profiles.update', args(input, true)));
  }
  async delete(ref) {
    await this.#call('profiles.delete', args(ref, false));
  }
  async deleteMany(list, options) {
    const results = await this.#call('profiles.deleteMany', { refs: refs(list), concurrency: options?.concurrency ?? null });
    return results.map((e, i) => ({ ref: list[i], ok: e === null, error: e === null ? null : errors.fromCore(e) }));
  }

  getSync(ref) {
    return fromCore('Profile', this.#callSync('profiles.get', args(ref, false)));
  }
  createSync(input) {
    return fromCore('Profile', this.#callSync('profiles.create', args(input, true)));
  }
  updateSync(input) {
    return fromCore('Profile', this.#callSync('profiles.update', args(input, true)));
  }
  deleteSync(ref) {
    this.#callSync('profiles.delete', args(ref, false));
  }
}

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
    this.profiles = new Profiles(() => {
      if (!this.#native) throw new errors.AdaptyError('the client is closed', { code: 'closed' });
      return this.#native;
    });
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
