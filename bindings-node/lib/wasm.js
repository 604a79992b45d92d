// The WebAssembly build of the core (bindings-wasm; the module and its wasm-bindgen glue in
// wasm/core/) in the addon's shape (lib/native.js), so lib/bridge.js runs on either. Calls return Promises of their
// outcome's JSON text and run on the runtime's event loop through its fetch; blocking calls get
// the core's refusal. `useWasm` installs it as the package's core (lib/core.js); under Deno,
// lib/deno.js is the core itself when the addon does not load.

const { use } = require('./core');

const encoder = new TextEncoder();
let nextId = 0;

/** Installs the initialized glue `wasm` as the core; `runtime` names the host in the User-Agent. */
function useWasm(wasm, runtime) {
  use(wasmBridge(wasm, runtime));
}

/** The core over the initialized glue `wasm`, in the addon's shape. */
function wasmBridge(wasm, runtime) {
  /**
   * A Promise of the outcome of the call `start(id)` returns (a Promise of its JSON text); an
   * aborted `signal` rejects it with the signal's reason and drops the call, as `fetch` does.
   */
  function background(start, signal = null) {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = nextId;
    nextId = (nextId + 1) >>> 0;
    const outcome = start(id).then(JSON.parse);
    if (signal == null) return outcome;
    return new Promise((resolve, reject) => {
      const abort = () => {
        wasm.abort(id);
        reject(signal.reason);
      };
      signal.addEventListener('abort', abort, { once: true });
      outcome.then(
        (value) => {
          signal.removeEventListener('abort', abort);
          resolve(value);
        },
        (error) => {
          signal.removeEventListener('abort', abort);
          reject(error);
        },
      );
    });
  }

  /**
   * A core client for `settings`. Its log lines go to the console (WebAssembly has no stderr)
   * unless a `logger` option took them (`log_level: 'off'`).
   */
  function nativeClient(settings) {
    const client = new Client(wasm, new wasm.WasmClient(JSON.stringify(withEnvironment(settings))));
    if (settings.log_level !== 'off') client.logTo(settings.log_level, toConsole);
    return client;
  }

  const nativeModule = {
    hasActiveAccess: (levels, id, at) => wasm.hasActiveAccess(levels, id, at ?? undefined),
    webhookEvent: (body, authorization, secret, names) =>
      wasm.webhookEvent(
        typeof body === 'string' ? encoder.encode(body) : body,
        authorization ?? undefined,
        secret ?? undefined,
        names == null ? undefined : JSON.stringify(names),
      ),
  };

  return {
    nativeClient,
    background,
    nativeModule,
    runtime: ['wasm', runtime],
  };
}

/** A core client of the WebAssembly build, with the addon's methods. */
class Client {
  #wasm;
  #client;

  constructor(wasm, client) {
    this.#wasm = wasm;
    this.#client = client;
    this.baseUrl = client.baseUrl;
  }

  call(op, args, id, options, raw, abortable, trace) {
    return this.#client.call(op, JSON.stringify(args), id, text(options), raw, abortable, trace ?? undefined);
  }

  callSync(op, args, options, raw) {
    return this.#client.callSync(op, JSON.stringify(args), text(options), raw);
  }

  withOptions(options) {
    return new Client(this.#wasm, this.#client.withOptions(JSON.stringify(options)));
  }

  listen(callback) {
    this.#client.listen(callback);
  }

  logTo(level, callback) {
    this.#client.logTo(level ?? undefined, callback);
  }

  walk(op, args) {
    const walk = this.#client.walk(op, JSON.stringify(args));
    return {
      next: (id, trace) => walk.next(id, trace ?? undefined),
      nextSync: () => walk.nextSync(),
    };
  }
}

/**
 * `settings` with the environment variables the core reads where it has a process environment
 * (ADAPTY_API_KEY, ADAPTY_BASE_URL) filled in from the host's, where it has one
 * (Deno, Node, Bun): WebAssembly sees none. A Worker has none either: its keys come from `env`.
 */
function withEnvironment(settings) {
  const env = (name) => {
    try {
      return globalThis.process?.env?.[name] ?? globalThis.Deno?.env.get(name) ?? null;
    } catch {
      return null; // Deno without --allow-env
    }
  };
  return {
    ...settings,
    api_key: settings.api_key ?? env('ADAPTY_API_KEY'),
    base_url: settings.base_url ?? env('ADAPTY_BASE_URL'),
  };
}

/** One `LEVEL\tLINE` log entry from the core, on the console. */
function toConsole(entry) {
  const tab = entry.indexOf('\t');
  const level = entry.slice(0, tab);
  (console[level] ?? console.log)(entry.slice(tab + 1));
}

/** Options as JSON text, or undefined for none. */
function text(options) {
  return options == null ? undefined : JSON.stringify(options);
}

module.exports = { useWasm, wasmBridge };
