// Receiving Adapty's webhooks: check the Authorization header, then read the event. The core
// does both (adapty_server::webhooks); this converts the event to the package's camelCase model.

const { nativeModule } = require('./native');
const { errorFrom } = require('./bridge');
const { fromCore } = require('./convert');

/**
 * The webhook request's event, after checking its Authorization header against `secret`.
 * @param {string | Uint8Array} body the request body as received
 * @param {string | null | undefined} authorization the request's Authorization header
 * @param {string} secret the value configured as the webhook's Authorization header in Adapty
 * @param {{ eventNames?: Record<string, string> }} [options]
 */
function constructEvent(body, authorization, secret, options = {}) {
  if (typeof secret !== 'string') throw new TypeError('secret must be a string');
  return read(body, authorization ?? null, secret, options);
}

/**
 * The webhook request's event, without checking who sent it: for a webhook configured without
 * an Authorization value, and for tests.
 * @param {string | Uint8Array} body
 * @param {{ eventNames?: Record<string, string> }} [options]
 */
function parseEvent(body, options = {}) {
  return read(body, null, null, options);
}

function read(body, authorization, secret, { eventNames } = {}) {
  if (typeof body !== 'string' && !(body instanceof Uint8Array))
    throw new TypeError('body must be a string, a Buffer or a Uint8Array');
  if (authorization !== null && typeof authorization !== 'string') throw new TypeError('authorization must be a string');
  const raw = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const outcome = JSON.parse(nativeModule.webhookEvent(raw, authorization, secret, eventNames ?? null));
  if (outcome.error) throw errorFrom(outcome.error);
  return fromCore('WebhookEvent', outcome.ok);
}

module.exports = { constructEvent, parseEvent };
