// The README's Node examples run as written (against the emulator), as ES modules.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const require = createRequire(import.meta.url);
const { KEY, ROOT, script, startEmulator } = require('./helpers.cjs');

// What the examples print is checked whatever the runtime's console quotes strings with (Node
// single quotes, Bun and Deno double).

/** Runs the one js block of the README section `section` against a fresh emulator; returns its output lines. */
async function runReadmeExample(section, cwd = path.dirname(path.dirname(new URL(import.meta.url).pathname))) {
  const em = await startEmulator();
  after(() => em.stop());
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const text = readme.split(`\n## ${section}\n`)[1].split('\n## ')[0];
  const [, code] = text.match(/```js\n([\s\S]*?)```/);
  return execFileSync(process.execPath, [script(code, '.mjs')], {
    cwd,
    env: {
      ...process.env,
      ADAPTY_API_KEY: KEY,
      ADAPTY_PUBLIC_API_KEY: 'public_live_readme',
      ADAPTY_MAIL_API_KEY: 'secret_live_mail_readme',
      ADAPTY_BASE_URL: em.baseUrl,
    },
    timeout: 20_000,
  })
    .toString()
    .trim()
    .split('\n');
}

test("the README's Node example runs", async () => {
  const out = await runReadmeExample('Node');
  assert.match(out[1], /^404 profile_does_not_exist [0-9a-f]{32}$/);
  assert.equal(out[2], '[ true, false ]');
});

test("the README's every-operation example runs", async () => {
  const out = await runReadmeExample('Every operation');
  assert.match(out[0], /^\[ (['"])premium\1 \] 9\.99$/);
  assert.deepEqual(out.slice(1), ['true', 'false', 'Premium Subscription', 'Onboarding Offer', 'Winback']);
});

test("the README's options, responses and events example runs", async () => {
  const out = await runReadmeExample('Options, responses, events, logs and networks');
  assert.ok(out.includes('200 0 user-8'), out.join('\n'));
  assert.ok(out.includes('AbortError'), out.join('\n'));
  assert.ok(out.includes('profiles.create 201 1') || out.includes('profiles.create 200 1'), out.join('\n'));
});

test("the README's tracing example prints the span", async () => {
  const out = (await runReadmeExample('Tracing with OpenTelemetry')).join('\n');
  assert.match(out, /name: (['"])POST\1/);
  assert.match(out, /(['"])adapty.operation\1: (['"])profiles.create\2/);
  assert.match(out, /name: (['"])grant-access\1/);
});

test("the README's other-APIs example runs", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-apis-'));
  const out = await runReadmeExample("Adapty's other APIs: Web, Export Analytics, Mail, legacy", dir);
  assert.match(out[0], /^Premium Subscription \[ ['"]premium_monthly['"], ['"]premium_annual['"], ['"]premium_lifetime['"] \]$/);
  assert.equal(Number(out[1]), 0); // nothing was bought in January 2024
  assert.equal(out[2], 'cohorts.csv true');
  assert.ok(fs.readFileSync(path.join(dir, 'cohorts.csv'), 'utf8').startsWith('segment_start_date,'));
  assert.equal(out[3], 'true');
});
