// `#native` in runtimes whose export conditions say no native code loads there (workerd,
// edge-light, worker, browser). The package's entry for them installs the WebAssembly build first,
// so only a deep import of the CommonJS files lands here.

throw new Error(
  'adapty-server: this runtime loads no native addon; import "adapty-server" (its entry for this ' +
    'runtime loads the WebAssembly build) or "adapty-server/wasm"',
);
