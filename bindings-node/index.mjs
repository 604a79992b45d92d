// ES module entry: the same exports as the CommonJS one.
import sdk from './index.js';

export const {
  Adapty,
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
} = sdk;
export default sdk;
