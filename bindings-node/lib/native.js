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
    waiting.delete(id);
    resolve(outcome);
  }
  if (waiting.size === 0) keepAlive.unref();
}

/** A native client whose background calls report here. `options`: the core's settings. */
function nativeClient(options) {
  completions ??= new addon.NativeCompletions(settle);
  return new addon.NativeClient(options, completions);
}

/**
 * A Promise of the outcome (`{ ok }` or `{ error }`) of the background call that `start(id)`
 * starts; it never rejects, unless `start` itself throws.
 */
function background(start) {
  return new Promise((resolve) => {
    const id = nextId;
    nextId = (nextId + 1) >>> 0;
    if (waiting.size === 0) {
      keepAlive ??= setInterval(() => {}, 0x7fffffff);
      keepAlive.ref();
    }
    waiting.set(id, resolve);
    try {
      start(id);
    } catch (e) {
      waiting.delete(id);
      if (waiting.size === 0) keepAlive.unref();
      throw e;
    }
  });
}

module.exports = { nativeClient, background, nativeModule: addon };
