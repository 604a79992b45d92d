// The package through `import`: the same classes as through `require`.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import sdk, { Adapty, NotFoundError, ValidationError } from 'adapty-server';

const require = createRequire(import.meta.url);

test('import and require give the same classes', () => {
  const cjs = require('adapty-server');
  assert.equal(Adapty, cjs.Adapty);
  assert.equal(NotFoundError, cjs.NotFoundError);
  assert.equal(sdk.ValidationError, ValidationError);
  assert.throws(() => new Adapty({ apiKey: 'k', apiVersion: 'v9' }), ValidationError);
});

test('the ES module entry exports everything the CommonJS one does', async () => {
  const cjs = require('adapty-server');
  const esm = await import('adapty-server');
  assert.deepEqual(
    Object.keys(esm)
      .filter((k) => k !== 'default')
      .sort(),
    Object.keys(cjs).sort(),
  );
});
