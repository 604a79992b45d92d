// The base of every error the package throws; lib/generated/errors.js (generated from the core's error
// classes) derives the others from it.

class AdaptyError extends Error {
  /** `details`: the error's own properties (`code`, and e.g. `status` or `field`). */
  constructor(message, details = {}) {
    super(message);
    this.name = new.target.name;
    this.code = details.code ?? 'adapty_error';
    Object.assign(this, details);
  }
}

module.exports = { AdaptyError };
