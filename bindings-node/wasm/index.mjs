// adapty-server for `adapty-server/wasm`, and the `worker` and `browser` export conditions: the WebAssembly build,
// installed as the package's modules load (lib/core.js waits for it), then the package.
import './install/bytes.mjs';

export * from '../index.mjs';
export { default } from '../index.mjs';
