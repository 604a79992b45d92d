// adapty-server: Adapty's server-side API on the shared Rust core.
// The core now: under Node a missing addon fails the import, naming the package to install.
require('./lib/core').preload();

const { Adapty } = require('./lib/client');
const { CLASSES } = require('./lib/generated/errors');
const webhooks = require('./lib/webhooks');

module.exports = { Adapty, webhooks, ...CLASSES };
