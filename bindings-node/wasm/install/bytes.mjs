// Installs the WebAssembly build as the core anywhere else (wasm/index.mjs: `adapty-server/wasm`,
// the `worker` and `browser` export conditions): the module's bytes read from the package (a
// file: URL: Deno's or Node's file system) or fetched (anything else), then compiled.
import { willUse } from '../../lib/core.js';
import { useWasm } from '../../lib/wasm.js';
import init, * as wasm from '../core/adapty_server.mjs';

willUse();
const url = new URL('../core/adapty_server_bg.wasm', import.meta.url);
await init({ module_or_path: await bytes(url) });
useWasm(wasm, runtime());

async function bytes(url) {
  if (url.protocol !== 'file:') return (await fetch(url)).arrayBuffer();
  if (globalThis.Deno) return globalThis.Deno.readFile(url);
  // A variable, so bundlers for the web leave Node's file system alone.
  const fs = 'node:fs/promises';
  return (await import(fs)).readFile(url);
}

/** The host, for the User-Agent: `deno/2.1.0`, `bun/1.2.0`, `node/20.1.0`, or what it says of itself. */
function runtime() {
  const versions = globalThis.process?.versions;
  if (globalThis.Deno) return `deno/${globalThis.Deno.version.deno}`;
  if (versions?.bun) return `bun/${versions.bun}`;
  if (versions?.node) return `node/${versions.node}`;
  return globalThis.navigator?.userAgent ?? 'unknown';
}
