'use strict';
// The error classes every operation throws, built from the core's error descriptions.
//
// AdaptyError
// ├── ValidationError          refused before any request (field, rule, errorCode); `code` 'validation'
// ├── APIConnectionError       no response;  └── APITimeoutError
// └── APIStatusError           status, errorCode, errors, requestId, body
//     ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
//     ├── NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
//     └── RateLimitError 429 (retryAfter, seconds), InternalServerError 5xx
// A value of the wrong type is a TypeError naming the field (with `field` and `rule`).

class AdaptyError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = new.target.name;
    this.code = details.code ?? 'adapty_error';
    Object.assign(this, details);
  }
}

class ValidationError extends AdaptyError {}
class APIConnectionError extends AdaptyError {}
class APITimeoutError extends APIConnectionError {}
class APIStatusError extends AdaptyError {}
class BadRequestError extends APIStatusError {}
class AuthenticationError extends APIStatusError {}
class PermissionDeniedError extends APIStatusError {}
class NotFoundError extends APIStatusError {}
class ConflictError extends APIStatusError {}
class UnprocessableEntityError extends APIStatusError {}
class RateLimitError extends APIStatusError {}
class InternalServerError extends APIStatusError {}

const BY_API_KIND = {
  bad_request: BadRequestError,
  authentication: AuthenticationError,
  permission_denied: PermissionDeniedError,
  not_found: NotFoundError,
  conflict: ConflictError,
  unprocessable_entity: UnprocessableEntityError,
  rate_limit: RateLimitError,
  internal_server: InternalServerError,
};

/** Fields whose keys are the user's own: the part of a path after them stays as it is. */
const USER_KEYS = new Set(['custom_attributes', 'metadata']);

/** `installation_meta.platform` -> `installationMeta.platform`; custom attribute and metadata keys stay. */
function jsField(field) {
  const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  const parts = field.split('.');
  const user = parts.findIndex((p) => USER_KEYS.has(p.replace(/\[.*$/, '')));
  const end = user === -1 ? parts.length : user + 1;
  return [...parts.slice(0, end).map(camel), ...parts.slice(end)].join('.');
}

/** The error for a description made by the core (`Error::to_json`). */
function fromCore(info) {
  const { kind, message } = info;
  if (kind === 'validation') {
    // The core names fields as the API does (snake_case); name them as this package does.
    const field = jsField(info.field);
    const text = `invalid ${field}: ${info.detail} (${info.rule})`;
    const details = { code: 'validation', field, rule: info.rule, errorCode: info.error_code ?? null };
    if (info.rule === 'type') return Object.assign(new TypeError(text), details);
    return new ValidationError(text, details);
  }
  if (kind === 'api') {
    const cls = BY_API_KIND[info.api_kind] ?? APIStatusError;
    return new cls(message, {
      code: info.api_kind,
      status: info.status,
      errorCode: info.error_code,
      errors: info.errors,
      requestId: info.request_id,
      body: info.body,
      retryAfter: info.retry_after,
    });
  }
  if (kind === 'timeout') return new APITimeoutError(message, { code: 'timeout' });
  if (kind === 'connection') return new APIConnectionError(message, { code: 'connection' });
  return new AdaptyError(message, { code: kind });
}

module.exports = {
  AdaptyError,
  ValidationError,
  APIConnectionError,
  APITimeoutError,
  APIStatusError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  fromCore,
};
