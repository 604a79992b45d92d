// Receiving Adapty's webhooks: check the Authorization header, then read the event. The core
// does both (adapty_server::webhooks); this converts the event to the package's camelCase model.

const { core } = require('./core');
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
  const header = typeof authorization === 'string' ? authorization : null;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    // A request that is not Adapty's is refused for its header first, whatever its body.
    if (secret !== null) unwrap(core().nativeModule.webhookEvent('', header, secret, null));
    throw new TypeError('body must be a string, a Buffer or a Uint8Array (the raw request body)');
  }
  return fromCore('WebhookEvent', unwrap(core().nativeModule.webhookEvent(body, header, secret, eventNames ?? null)));
}

/** The event of a native outcome's JSON text, or its error thrown. */
function unwrap(outcome) {
  const { ok, error } = JSON.parse(outcome);
  if (error) throw errorFrom(error);
  return ok;
}

module.exports = { constructEvent, parseEvent };
