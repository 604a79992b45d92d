// Which core the package's one surface (lib/generated/operations.js, through lib/bridge.js) runs
// on: the native addon (lib/native.js) under Node, Bun and Deno, or the WebAssembly build
// (lib/wasm.js) where no native code loads: installed by the entry the runtime's export
// condition picks (wasm/*.mjs) before the package's modules load, or, under Deno, where the addon
// does not load (lib/deno.js). Both have one shape: `nativeClient`, `background`, `nativeModule` and
// `runtime`.

let chosen = null;
/** Whether the WebAssembly build is being installed (its bytes still loading). */
let installing = false;

/**
 * The core: the one installed, else the addon (`#native`: a refusal where none can load), else
 * under Deno the WebAssembly build.
 */
function core() {
  if (chosen === null) {
    try {
      chosen = require('#native');
    } catch (e) {
      if (typeof Deno === 'undefined') throw e;
      chosen = require('./deno').wasmCore();
    }
  }
  return chosen;
}

/**
 * Loads the core as the package loads (so under Node a missing addon fails the import), unless
 * the WebAssembly build is on its way.
 */
function preload() {
  if (!installing) core();
}

/**
 * Says the WebAssembly build is on its way: wasm/install/bytes.mjs awaits its bytes, and the
 * package's modules load meanwhile (an ES module's imports wait for an earlier one's top-level
 * await only where they depend on it).
 */
function willUse() {
  installing = true;
}

/** Installs `bridge` as the core (the WebAssembly entries do). */
function use(bridge) {
  chosen = bridge;
}

module.exports = { core, preload, use, willUse };
