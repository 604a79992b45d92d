'use strict';
// Test helpers: the emulator binary on port 0 (one per test file) and its control plane.

const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const KEY = 'secret_node_tests_Xk42';
const ROOT = process.env.ADAPTY_REPO_ROOT ?? path.resolve(__dirname, '..', '..');
const BIN = process.env.ADAPTY_EMULATOR_BIN ?? path.join(ROOT, 'target', 'debug', 'adapty-emulator');

async function startEmulator() {
  const child = spawn(BIN, ['--port', '0', '--api-key', KEY, '--exit-on-stdin-close'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = readline.createInterface({ input: child.stdout });
  const baseUrl = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  child.unref();
  child.stdin.unref?.();
  async function control(method, route, body) {
    const res = await fetch(`${baseUrl}/__emulator/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }
  return {
    baseUrl,
    control,
    journal: () => control('GET', 'journal'),
    clearJournal: () => control('DELETE', 'journal'),
    fault: (...faults) => control('POST', 'faults', faults),
    clearFaults: () => control('DELETE', 'faults'),
    reset: () => control('POST', 'reset'),
    seed: async (profiles) => (await control('POST', 'profiles', { profiles })).profile_ids,
    stored: async (id) => (await control('GET', `profiles/${id}`)).stored,
    stop: () => child.stdin.end(),
  };
}

let counter = 0;
/** A customer user id no other test uses. */
const uniqueUser = () => `node-${process.pid}-${Date.now().toString(36)}-${counter++}`;

module.exports = { KEY, ROOT, startEmulator, uniqueUser };
