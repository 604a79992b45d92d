// The native addon, and the Promises of its background calls. A call starts on the SDK's runtime
// with an id; outcomes come back in batches to `settle` (the JSON text of [id, outcome] pairs),
// through one thread-safe function per JavaScript environment (the main thread, or a worker),
// which resolves their Promises. While
// any call is in flight, a timer that never fires keeps the event loop alive, as a pending
// request should; the thread-safe function itself never does.

const { loadAddon } = require('./platforms');

const addon = loadAddon();

/** The resolve function of every call in flight, by id. */
const waiting = new Map();
let nextId = 0;
let completions = null;
let keepAlive = null;

function settle(batch) {
  for (const [id, outcome] of JSON.parse(batch)) {
    const resolve = waiting.get(id);
    // An aborted call's outcome may still arrive: nobody waits for it.
    if (!resolve) continue;
    waiting.delete(id);
    resolve(outcome);
  }
  if (waiting.size === 0) keepAlive?.unref();
}

/** A native client whose background calls report here. `options`: the core's settings. */
function nativeClient(options) {
  completions ??= new addon.NativeCompletions(settle);
  return new addon.NativeClient(options, completions);
}

/**
 * A Promise of the outcome (`{ ok }` or `{ error }`) of the background call that `start(id)`
 * starts; it never rejects, unless `start` itself throws or `signal` aborts the call (with the
 * signal's reason, as `fetch` does; the call must have been started abortable).
 */
function background(start, signal = null) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const id = nextId;
    nextId = (nextId + 1) >>> 0;
    if (waiting.size === 0) {
      keepAlive ??= setInterval(() => {}, 0x7fffffff);
      keepAlive.ref();
    }
    const done = () => {
      waiting.delete(id);
      if (waiting.size === 0) keepAlive.unref();
    };
    const abort = () => {
      if (!waiting.has(id)) return;
      done();
      completions.abort(id);
      reject(signal.reason);
    };
    waiting.set(id, (outcome) => {
      signal?.removeEventListener('abort', abort);
      resolve(outcome);
    });
    try {
      start(id);
    } catch (e) {
      done();
      throw e;
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

module.exports = { nativeClient, background, nativeModule: addon, runtime: ['node', process.versions.node] };
