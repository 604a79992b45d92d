'use strict';
// Test helpers: an emulator per test file (adapty-emulator's startEmulator) and unique users.

const path = require('node:path');
const emulator = require('adapty-emulator');

const KEY = 'secret_node_tests_Xk42';
const ROOT = process.env.ADAPTY_REPO_ROOT ?? path.resolve(__dirname, '..', '..');

/** An emulator accepting KEY only, through adapty-emulator as users start it. */
function startEmulator() {
  return emulator.startEmulator({ apiKey: KEY, acceptAnyKey: false });
}

let counter = 0;
/** A customer user id no other test uses. */
const uniqueUser = () => `node-${process.pid}-${Date.now().toString(36)}-${counter++}`;

module.exports = { KEY, ROOT, startEmulator, uniqueUser };
