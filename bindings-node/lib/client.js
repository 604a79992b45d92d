// `Adapty`: a native core client and the namespaces of generated methods (lib/generated/operations.js) on
// it. Its Promise methods never block the event loop; their `*Sync` twins do.

const { BY_CODE } = require('./generated/errors');
const { errorFrom } = require('./bridge');
const { nativeClient } = require('./native');
const { coreOptions, namespaces } = require('./generated/operations');

class Adapty {
  #native;
  /** @param {import('../index').AdaptyOptions} [options] */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    try {
      this.#native = nativeClient({ ...coreOptions(options), language: ['node', process.versions.node] });
    } catch (e) {
      throw errorFrom(JSON.parse(e.message));
    }
    this.baseUrl = this.#native.baseUrl;
    const native = () => {
      if (!this.#native) throw new BY_CODE.usage('the client is closed', { code: 'closed' });
      return this.#native;
    };
    Object.assign(this, namespaces(native));
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
