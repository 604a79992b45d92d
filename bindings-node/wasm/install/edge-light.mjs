// Installs the WebAssembly build as the core in Vercel Edge Functions and Next.js middleware
// (wasm/edge-light.mjs), its module imported with `?module` as Vercel's edge compiler takes
// WebAssembly (an Edge Function may not compile code at run time).
import { useWasm } from '../../lib/wasm.js';
import * as wasm from '../core/adapty_server.mjs';
import module from '../core/adapty_server_bg.wasm?module';

// A sandbox (edge-runtime, as `next dev` runs Edge code) may hand over a module compiled in
// another realm: the engine instantiates it, but the glue's `instanceof WebAssembly.Module`
// would send it to be compiled again, which Edge code may not do.
if (!(module instanceof WebAssembly.Module)) Object.setPrototypeOf(module, WebAssembly.Module.prototype);
wasm.initSync({ module });
useWasm(wasm, 'edge-light');
