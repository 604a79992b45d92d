// The methods some models' objects have beyond their data (lib/generated/models.js names them per
// model; lib/convert.js puts them on every object it makes of that model, not enumerable). Each
// calls the core, which holds the rule.

const { core } = require('./core');
const { errorFrom } = require('./bridge');
const { modelToCore } = require('./convert');

/** The outcome's value, or its error thrown. */
function unwrap(outcome) {
  const { ok, error } = JSON.parse(outcome);
  if (error) throw errorFrom(error);
  return ok;
}

/** Property descriptors of each methods interface of lib/methods.d.ts, by name. */
const METHODS = {
  ProfileMethods: {
    hasActiveAccess: {
      /**
       * @param {string} accessLevelId
       * @param {Date} [at]
       * @returns {boolean}
       */
      value: function hasActiveAccess(accessLevelId, at) {
        if (at !== undefined && at !== null && !(at instanceof Date)) throw new TypeError('at must be a Date');
        const levels = JSON.stringify(this.accessLevels.map((level) => modelToCore('AccessLevel', level)));
        return unwrap(core().nativeModule.hasActiveAccess(levels, accessLevelId, at ? at.toISOString() : null));
      },
    },
  },
};

module.exports = METHODS;
