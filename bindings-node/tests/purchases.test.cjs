'use strict';
// Purchases and access levels, with the Promise methods and their *Sync twins.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const sdk = require('adapty-server');
const { uniqueUser } = require('./helpers.cjs');
const { useEmulator, clientOf, MODES, day, iso, subscription, seeded, rejectsWith, premium } = require('./features.cjs');

const em = useEmulator();
const client = clientOf(em);

for (const [mode, { call }] of Object.entries(MODES)) {
  describe(`purchases and access levels (${mode})`, () => {
    test('a recorded subscription grants premium; revoking ends it now', async () => {
      const c = client();
      const ref = await seeded(em);
      const bought = await call(c.purchases, 'setTransaction', { ...ref, ...subscription() });
      assert.equal(bought.customerUserId, ref.customerUserId);
      assert.equal(bought.totalRevenueUsd, 4.99);
      assert.ok(Date.parse(premium(bought).expiresAt) > Date.now() + 29 * day);
      assert.deepEqual(
        bought.subscriptions.map((s) => [s.storeProductId, s.storeOriginalTransactionId]),
        [['premium_monthly', 'orig-1']],
      );
      const [sent] = await em.journal();
      assert.equal(JSON.parse(sent.body).price.value, 4.99);
      assert.equal(JSON.parse(sent.body).store_original_transaction_id, 'orig-1');

      const revoked = await call(c.accessLevels, 'revoke', { ...ref, accessLevelId: 'premium' });
      assert.ok(Date.parse(premium(revoked).expiresAt) <= Date.now());
      assert.ok(!(await c.profiles.get(ref)).accessLevels.some((a) => Date.parse(a.expiresAt) > Date.now()));
    });

    test('a one-time purchase of a consumable is a non-subscription', async () => {
      const ref = await seeded(em);
      const fields = {
        purchaseType: 'one_time_purchase',
        store: 'play_store',
        storeProductId: 'coins_100',
        storeTransactionId: 'gpa-1',
        storeOriginalTransactionId: 'gpa-1',
        price: { country: 'DE', currency: 'EUR', value: 0.99 },
        purchasedAt: iso(Date.now()),
      };
      const profile = await call(client().purchases, 'setTransaction', {
        profileId: (await client().profiles.get(ref)).profileId,
        ...fields,
      });
      assert.deepEqual(
        profile.nonSubscriptions.map((n) => [n.storeProductId, n.isConsumable]),
        [['coins_100', true]],
      );
      assert.deepEqual(profile.accessLevels, []);
    });

    test('grant with dates, and an access level the app does not have', async () => {
      const c = client();
      const ref = await seeded(em);
      const expiresAt = '2030-12-31T23:59:59Z';
      const granted = await call(c.accessLevels, 'grant', {
        ...ref,
        accessLevelId: 'premium',
        startsAt: iso(Date.now() - 1000),
        expiresAt,
      });
      assert.equal(Date.parse(premium(granted).expiresAt), Date.parse(expiresAt));
      await rejectsWith(call(c.accessLevels, 'grant', { ...ref, accessLevelId: 'gold' }), sdk.BadRequestError, {
        status: 400,
        code: 'bad_request',
        errorCode: 'paid_access_level_does_not_exist',
      });
    });

    test('cross-field rules of a transaction are checked before sending', async () => {
      const p = client().purchases;
      const bought = '2024-01-15T10:30:00Z';
      const cases = [
        [
          subscription({ purchasedAt: bought, originallyPurchasedAt: bought, expiresAt: '2024-01-14T10:30:00Z' }),
          'expiresAt',
          'conflict',
          'expires_date_error',
        ],
        [subscription({ isFamilyShared: true }), 'isFamilyShared', 'conflict', 'family_share_price_error'],
        [
          subscription({ offer: { category: 'introductory', type: 'free_trial' } }),
          'offer.type',
          'conflict',
          'free_trial_price_error',
        ],
        [subscription({ expiresAt: undefined }), 'expiresAt', 'required', null],
        [
          { ...subscription({ purchaseType: 'one_time_purchase', storeOriginalTransactionId: 'x' }) },
          'storeTransactionId',
          'conflict',
          'store_transaction_id_error',
        ],
        [subscription({ price: { country: 'US', currency: 'US$', value: 1 } }), 'price.currency', 'format', null],
      ];
      for (const [fields, field, rule, errorCode] of cases) {
        await rejectsWith(call(p, 'setTransaction', { customerUserId: 'anyone', ...fields }), sdk.ValidationError, {
          field,
          rule,
          errorCode,
          code: 'validation',
        });
      }
      await rejectsWith(
        call(p, 'setTransaction', {
          customerUserId: 'anyone',
          ...subscription(),
          price: { country: 'US', currency: 'USD', value: 1, tax: 0 },
        }),
        TypeError,
        {},
      );
      await rejectsWith(
        call(client().accessLevels, 'revoke', {
          customerUserId: 'anyone',
          accessLevelId: 'premium',
          revokeAt: '2020-01-01T00:00:00Z',
        }),
        sdk.ValidationError,
        { field: 'revokeAt' },
      );
      assert.deepEqual(await em.journal(), []);
    });

    test('Stripe and Paddle purchases import into a new profile', async () => {
      const p = client().purchases;
      const stripeUser = uniqueUser();
      assert.equal(
        await call(p, 'validateStripe', { customerUserId: stripeUser, stripeToken: 'sub_1NmzRk2eZvKYlo2C' }),
        undefined,
      );
      assert.ok(premium(await client().profiles.get({ customerUserId: stripeUser })));
      const paddleUser = uniqueUser();
      const imported = await call(p, 'validatePaddle', { customerUserId: paddleUser, paddleToken: 'txn_01h8bx' });
      assert.equal(imported.customerUserId, paddleUser);
      assert.ok(premium(imported));
      const [stripeSent, , paddleSent] = await em.journal();
      assert.ok(stripeSent.body.includes('"stripe_token":"sub_1NmzRk2eZvKYlo2C"'), stripeSent.body);
      assert.deepEqual(JSON.parse(paddleSent.body), { customer_user_id: paddleUser, paddle_token: 'txn_01h8bx' });
      await rejectsWith(call(p, 'validateStripe', { customerUserId: stripeUser, stripeToken: 'tok_bad' }), sdk.BadRequestError, {
        status: 400,
      });
      await rejectsWith(call(p, 'validatePaddle', { customerUserId: paddleUser, paddleToken: 'bad' }), sdk.BadRequestError, {
        status: 400,
      });
      await rejectsWith(call(p, 'validateStripe', { customerUserId: stripeUser }), sdk.ValidationError, {
        field: 'stripeToken',
        rule: 'required',
      });
    });
  });
}
