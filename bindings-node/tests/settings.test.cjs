'use strict';
// Refund Saver and integration identifiers, with the Promise methods and their *Sync twins.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const sdk = require('adapty-server');
const { useEmulator, clientOf, MODES, seeded, rejectsWith } = require('./features.cjs');

const em = useEmulator();
const client = clientOf(em);

for (const [mode, { call }] of Object.entries(MODES)) {
  describe(`profile settings (${mode})`, () => {
    test('Refund Saver: read the defaults, set one setting, read it back', async () => {
      const r = client().refundSaver;
      const ref = await seeded(em);
      const defaults = await call(r, 'get', ref);
      assert.deepEqual(defaults.settings, { consent: false, customPreference: 'no_preference' });
      const set = await call(r, 'set', { ...ref, customPreference: 'grant' });
      assert.deepEqual(set.settings, { consent: false, customPreference: 'grant' });
      assert.equal(set.profileId, defaults.profileId);
      assert.deepEqual((await call(r, 'set', { ...ref, consent: true })).settings, { consent: true, customPreference: 'grant' });
      assert.deepEqual((await call(r, 'get', ref)).settings, { consent: true, customPreference: 'grant' });
      const sent = (await em.journal()).filter((e) => e.method === 'POST').map((e) => JSON.parse(e.body));
      assert.deepEqual(sent, [{ custom_preference: 'grant' }, { consent: true }]);
    });

    test('integrations: set some identifiers, the others keep their value', async () => {
      const i = client().integrations;
      const ref = await seeded(em);
      assert.equal(await call(i, 'set', { ...ref, appsflyerId: 'af-1', oneSignalSubscriptionId: 'os-1' }), undefined);
      await call(i, 'set', { ...ref, mixpanelUserId: 'mp-1' });
      const ids = await call(i, 'get', ref);
      assert.deepEqual(
        [ids.appsflyerId, ids.oneSignalSubscriptionId, ids.mixpanelUserId, ids.branchId],
        ['af-1', 'os-1', 'mp-1', null],
      );
      const [first] = await em.journal();
      assert.deepEqual(JSON.parse(first.body), { appsflyer_id: 'af-1', one_signal_subscription_id: 'os-1' });
      await em.clearJournal();
      // The core knows the identifiers: it refuses another key, naming it as given.
      await rejectsWith(call(i, 'set', { ...ref, appsFlyerId: 'x' }), sdk.ValidationError, {
        field: 'appsFlyerId',
        rule: 'enum',
      });
      await rejectsWith(call(i, 'set', ref), sdk.ValidationError, { rule: 'required' });
      assert.deepEqual(await em.journal(), []);
      await rejectsWith(call(i, 'get', { customerUserId: 'nobody' }), sdk.NotFoundError, { status: 404 });
    });
  });
}
