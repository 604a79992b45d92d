// Which core the package's one surface (lib/generated/operations.js, through lib/bridge.js) runs
// on: the native addon (lib/native.js) under Node, Bun and Deno, or the WebAssembly build
// (lib/wasm.js) where no native code loads: installed by the entry the runtime's export
// condition picks (wasm/*.mjs) before any client is made, or, under Deno, where the addon does
// not load (lib/deno.js). Both have one shape: `nativeClient`, `background`, `nativeModule` and
// `runtime`.

let chosen = null;

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

/** Installs `bridge` as the core (the WebAssembly entries do). */
function use(bridge) {
  chosen = bridge;
}

module.exports = { core, use };
