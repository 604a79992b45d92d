// Installs the WebAssembly build as the core in Cloudflare Workers (wasm/workerd.mjs), its module
// imported as Workers import WebAssembly (compiled at deploy: a Worker may not compile code at run
// time).
import { useWasm } from '../../lib/wasm.js';
import * as wasm from '../core/adapty_server.mjs';
import module from '../core/adapty_server_bg.wasm';

wasm.initSync({ module });
useWasm(wasm, 'workerd');
