'use strict';
// The tests run on the core they say they run on (helpers.cjs' WASM): the node suite runs them on
// the native addon, and the vectors and webhooks again under Deno denied FFI, on the WebAssembly
// build. Each refuses a blocking call in its own way.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Adapty, APIConnectionError, UsageError } = require('adapty-server');
const { WASM } = require('./helpers.cjs');

test(`the tests run on the ${WASM ? 'WebAssembly build' : 'native addon'}`, () => {
  // Nothing listens on port 9: the addon's blocking call fails to connect; the WebAssembly
  // build refuses it before any I/O.
  const client = new Adapty({ apiKey: 'secret_core_check', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
  const expected = WASM
    ? (e) => e instanceof UsageError && /not available in the WebAssembly build/.test(e.message)
    : (e) => e instanceof APIConnectionError;
  assert.throws(() => client.profiles.getSync({ customerUserId: 'core-check' }), expected);
});
