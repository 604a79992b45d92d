'use strict';
// Test helpers: an emulator per test file (adapty-emulator's startEmulator) and unique users.

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const emulator = require('adapty-emulator');

const KEY = 'secret_node_tests_Xk42';
/**
 * Whether these tests run on the WebAssembly build (the node suite runs some under Deno denied
 * FFI): its blocking methods are refused, so the *Sync variants are left out (core.test.cjs
 * checks the tests run on the core they say).
 */
const WASM = process.env.ADAPTY_TEST_CORE === 'wasm';
const ROOT = process.env.ADAPTY_REPO_ROOT ?? path.resolve(__dirname, '..', '..');

/** An emulator accepting KEY only, through adapty-emulator as users start it. */
function startEmulator() {
  return emulator.startEmulator({ apiKey: KEY, acceptAnyKey: false });
}

let counter = 0;
/** A customer user id no other test uses. */
const uniqueUser = () => `node-${process.pid}-${Date.now().toString(36)}-${counter++}`;

let scripts;
/**
 * `code` saved as a script beside the tests (so it resolves this project's packages); run it as
 * `execFile(process.execPath, [script(code), ...args])`. A file runs the same under Node, Bun and
 * Deno, whose `-e` flags differ; its arguments are `process.argv.slice(2)` in each.
 */
function script(code, extension = '.cjs') {
  if (scripts === undefined) {
    scripts = fs.mkdtempSync(path.join(__dirname, '.scripts-'));
    process.on('exit', () => fs.rmSync(scripts, { recursive: true, force: true }));
  }
  const file = path.join(scripts, `${counter++}${extension}`);
  fs.writeFileSync(file, code);
  return file;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` is true (checked every 50 ms, for at most `seconds`); else throws, with `context()`. */
async function waitFor(done, what, context = () => '', seconds = 15) {
  for (let i = 0; i < seconds * 20; i++) {
    if (await done()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}: ${context()}`);
}

/** A port nothing listens on now, on loopback. */
async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

module.exports = { KEY, ROOT, WASM, freePort, script, sleep, startEmulator, uniqueUser, waitFor };
