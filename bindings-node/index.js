// adapty-server: Adapty's server-side API on the shared Rust core.
const { Adapty } = require('./lib/client');
const { CLASSES } = require('./lib/generated/errors');
const webhooks = require('./lib/webhooks');

module.exports = { Adapty, webhooks, ...CLASSES };
