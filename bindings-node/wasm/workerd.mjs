// adapty-server in Cloudflare Workers (the `workerd` export condition): the WebAssembly build,
// its module imported as Workers import WebAssembly (compiled at deploy, since a Worker may not
// compile code at run time).
import { useWasm } from '../lib/wasm.js';
import * as wasm from './core/adapty_server.mjs';
import module from './core/adapty_server_bg.wasm';

wasm.initSync({ module });
useWasm(wasm, 'workerd');

export * from '../index.mjs';
export { default } from '../index.mjs';
