// Deno's core when the addon does not load there (Deno Deploy, Supabase Edge Functions, a run
// denied FFI): the WebAssembly build, read and compiled at once so `require` and `import` get the
// same core. (Deno resolves `require` without its `deno` export condition, so lib/core.js asks.)

function wasmCore() {
  const wasm = require('../wasm/core/adapty_server.mjs');
  wasm.initSync({ module: Deno.readFileSync(`${__dirname}/../wasm/core/adapty_server_bg.wasm`) });
  return require('./wasm').wasmBridge(wasm, `deno/${Deno.version.deno}`);
}

module.exports = { wasmCore };
