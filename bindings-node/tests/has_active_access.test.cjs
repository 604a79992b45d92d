'use strict';
// profile.hasActiveAccess: the shared cases of tests/vectors/access.json through the camelCase
// model, what a profile read from the emulator answers, and the instants it refuses.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const sdk = require('adapty-server');
const { ROOT } = require('./helpers.cjs');
const { useEmulator, clientOf, MODES, subscription, seeded, premium } = require('./features.cjs');

const { cases } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'vectors', 'access.json'), 'utf8'));
// A profile is built as every result is, by the installed package's own converter (which the
// package's exports do not name: it is reached by its file).
const { fromCore } = require(path.join(path.dirname(require.resolve('adapty-server')), 'lib', 'convert.js'));
const profileOf = (levels) => fromCore('Profile', { app_id: 'app', profile_id: 'p', access_levels: levels });

for (const c of cases) {
  test(`vector: ${c.name}`, () => {
    const profile = profileOf(c.access_levels);
    const got =
      c.at === undefined
        ? profile.hasActiveAccess(c.access_level_id)
        : profile.hasActiveAccess(c.access_level_id, new Date(c.at));
    assert.equal(got, c.expect);
  });
}

test('the method is not data: JSON, spreading and deep equality see the fields only', () => {
  const lifetime = {
    access_level_id: 'premium',
    store: 'adapty',
    store_product_id: 'premium',
    expires_at: null,
    is_in_grace_period: false,
  };
  const profile = profileOf([lifetime]);
  assert.deepStrictEqual(Object.keys(profile).includes('hasActiveAccess'), false);
  assert.equal(JSON.parse(JSON.stringify(profile)).hasActiveAccess, undefined);
  assert.deepStrictEqual(structuredClone(profile), { ...profile });
  assert.equal(profile.hasActiveAccess('premium', new Date('2999-01-01T00:00:00Z')), true);
});

test('a wrong instant is refused', () => {
  const profile = profileOf([]);
  assert.throws(() => profile.hasActiveAccess('premium', '2030-01-01T00:00:00Z'), TypeError);
  assert.throws(
    () => profile.hasActiveAccess('premium', new Date('+010000-01-01T00:00:00Z')),
    (e) => {
      assert.ok(e instanceof sdk.ValidationError);
      assert.equal(e.field, 'at');
      return true;
    },
  );
});

const em = useEmulator();
const client = clientOf(em);

for (const [mode, { call }] of Object.entries(MODES)) {
  describe(`a profile read from the emulator (${mode})`, () => {
    test('has access while the subscription runs, not after a revocation', async () => {
      const c = client();
      const ref = await seeded(em);
      const bought = await call(c.purchases, 'setTransaction', { ...ref, ...subscription() });
      assert.equal(bought.hasActiveAccess('premium'), true);
      assert.equal(bought.hasActiveAccess('gold'), false);
      assert.equal(bought.hasActiveAccess('premium', new Date(premium(bought).expiresAt)), false);
      const revoked = await call(c.accessLevels, 'revoke', { ...ref, accessLevelId: 'premium' });
      assert.equal(revoked.hasActiveAccess('premium'), false);
      const got = await call(c.profiles, 'get', ref);
      assert.equal(got.hasActiveAccess('premium'), false);
    });
  });
}
