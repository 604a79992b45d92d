'use strict';
// Webhooks: the shared cases of tests/vectors/webhooks.json (Adapty's documented examples among
// them) through webhooks.constructEvent, read as the camelCase objects a receiver uses.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const sdk = require('adapty-server');

const { webhooks } = sdk;
const VECTORS = path.join(process.env.ADAPTY_REPO_ROOT, 'tests', 'vectors');
const { cases } = JSON.parse(fs.readFileSync(path.join(VECTORS, 'webhooks.json'), 'utf8'));

const camel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

function body(c) {
  return c.body_file ? fs.readFileSync(path.join(VECTORS, 'examples', c.body_file)) : c.body;
}

/** `expected` (the case's snake_case JSON) found in `actual`: a model field under its camelCase
 * name, a map's own keys as they are, an unknown field in `extra`; numbers by value. */
function matches(expected, actual) {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([key, value]) => {
      const name = [camel(key), key].find((k) => k in actual);
      return matches(value, name ? actual[name] : actual.extra?.[key]);
    });
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => matches(v, actual[i]));
  }
  return expected === actual;
}

const CLASSES = {
  webhook_authorization: sdk.WebhookAuthorizationError,
  webhook_payload: sdk.WebhookPayloadError,
  usage: sdk.UsageError,
};

for (const c of cases) {
  test(`vector: ${c.name}`, () => {
    let event;
    try {
      event = webhooks.constructEvent(body(c), c.authorization, c.secret, { eventNames: c.event_names });
    } catch (e) {
      assert.ok(c.expect.error, `unexpected ${e}`);
      assert.ok(e instanceof CLASSES[c.expect.error] && e instanceof sdk.AdaptyError, `${e}`);
      if (c.expect.field) assert.equal(e.field, c.expect.field);
      return;
    }
    assert.ok(c.expect.event, `expected ${JSON.stringify(c.expect)}, got ${JSON.stringify(event)}`);
    assert.ok(matches(c.expect.event, event), `expected ${JSON.stringify(c.expect.event)}, got ${JSON.stringify(event)}`);
  });
}

test('properties are typed by the event type, camelCase', () => {
  const raw = fs.readFileSync(path.join(VECTORS, 'examples', 'webhooks/webhook-subscription-started.json'));
  const started = webhooks.constructEvent(new Uint8Array(raw), 's', 's');
  assert.equal(started.type, 'subscription_started');
  if (started.type === 'subscription_started') assert.equal(started.properties?.priceUsd, 4.99);
  assert.equal(started.attributions.appsflyer.status, 'non_organic');
  assert.equal(started.profileInstallDatetime, '2000-01-31T00:00:00Z');
  const updated = webhooks.parseEvent('{"event_type": "access_level_updated", "event_properties": {"is_active": true}}');
  assert.equal(updated.type === 'access_level_updated' && updated.properties?.isActive, true);
  const renamed = webhooks.parseEvent('{"event_type": "bought"}', { eventNames: { bought: 'non_subscription_purchase' } });
  assert.deepEqual([renamed.type, renamed.rawType], ['non_subscription_purchase', 'bought']);
  assert.equal(webhooks.parseEvent('{}').isVerification, true);
});

test('errors: the authorization is checked first, the payload error names the field', () => {
  assert.throws(
    () => webhooks.constructEvent('not json', 'guess', 's3cr3t-value'),
    (e) => {
      return (
        e instanceof sdk.WebhookAuthorizationError && e.code === 'webhook_authorization' && !e.message.includes('s3cr3t-value')
      );
    },
  );
  assert.throws(
    () => webhooks.parseEvent('{"event_type": 5}'),
    (e) => e instanceof sdk.WebhookPayloadError && e.field === 'event_type',
  );
  assert.throws(() => webhooks.constructEvent(42, 's', 's'), TypeError);
  assert.throws(() => webhooks.constructEvent(undefined, 'guess', 's'), sdk.WebhookAuthorizationError);
});
