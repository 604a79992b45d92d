'use strict';
// adapty-server: Adapty's server-side API on the shared Rust core.
const { Adapty } = require('./lib/client');
const { fromCore, ...errors } = require('./lib/errors');

module.exports = { Adapty, ...errors };
