// Types of the adapty-server package. The models come from lib/models.d.ts, generated from the
// Rust core's definitions.
import type { Profile, ProfileFields } from './lib/models';

export * from './lib/models';

export interface AdaptyOptions {
  /** The secret API key; defaults to `process.env.ADAPTY_API_KEY`. */
  apiKey?: string;
  /** Defaults to `process.env.ADAPTY_BASE_URL`, then `https://api.adapty.io`. */
  baseUrl?: string;
  /** `v2` (default): `/api/v2/server-side-api/profile/`; `v1`: `/api/v1/server-side-api/profiles/`. */
  apiVersion?: 'v1' | 'v2';
  /** Time allowed for one attempt, in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Time allowed to connect, in milliseconds (default 10000). */
  connectTimeoutMs?: number;
  /** Retries of connection errors, timeouts, 408, 429 and 5xx (default 2). */
  maxRetries?: number;
}

/** Names one profile: exactly one of the two. */
export type ProfileRef = { profileId: string; customerUserId?: undefined } | { customerUserId: string; profileId?: undefined };

/** Whom a create is for: one id, or both to attach `customerUserId` to the existing `profileId`. */
export type CreateRef = ProfileRef | { profileId: string; customerUserId: string };

export interface DeleteResult {
  ref: ProfileRef;
  ok: boolean;
  error: AdaptyError | null;
}

export interface Profiles {
  get(ref: ProfileRef): Promise<Profile>;
  create(input: CreateRef & ProfileFields): Promise<Profile>;
  /** Leaving a field out keeps it; `null` clears it (and deletes a custom attribute). */
  update(input: ProfileRef & ProfileFields): Promise<Profile>;
  delete(ref: ProfileRef): Promise<void>;
  /** No bulk endpoint exists: runs the deletes `concurrency` at a time; one result per input, in order. */
  deleteMany(refs: ProfileRef[], options?: { concurrency?: number }): Promise<DeleteResult[]>;
  /** Blocks the event loop until done: for scripts, not servers. */
  getSync(ref: ProfileRef): Profile;
  /** Blocks the event loop until done: for scripts, not servers. */
  createSync(input: CreateRef & ProfileFields): Profile;
  /** Blocks the event loop until done: for scripts, not servers. */
  updateSync(input: ProfileRef & ProfileFields): Profile;
  /** Blocks the event loop until done: for scripts, not servers. */
  deleteSync(ref: ProfileRef): void;
}

export declare class Adapty {
  constructor(options?: AdaptyOptions);
  readonly baseUrl: string;
  readonly profiles: Profiles;
  /** Ends the client; later calls throw. */
  close(): void;
}

/** A stable, machine-readable class of error. */
export type ErrorCode =
  | 'validation'
  | 'connection'
  | 'timeout'
  | 'bad_request'
  | 'authentication'
  | 'permission_denied'
  | 'not_found'
  | 'conflict'
  | 'unprocessable_entity'
  | 'rate_limit'
  | 'internal_server'
  | 'api_status'
  | 'usage'
  | 'internal'
  | 'closed';

export declare class AdaptyError extends Error {
  readonly code: ErrorCode;
}
/** Refused before any request: `field` names the value, `rule` the rule it broke. */
export declare class ValidationError extends AdaptyError {
  readonly field: string;
  readonly rule: string;
}
export declare class APIConnectionError extends AdaptyError {}
export declare class APITimeoutError extends APIConnectionError {}
export interface FieldError {
  source: string | null;
  errors: string[];
}
export declare class APIStatusError extends AdaptyError {
  readonly status: number;
  /** Adapty's `error_code`, e.g. `profile_does_not_exist`. */
  readonly errorCode: string | null;
  readonly errors: FieldError[];
  readonly requestId: string | null;
  /** The raw response body. */
  readonly body: string;
  /** Seconds the server asked to wait (`Retry-After`), if it said. */
  readonly retryAfter: number | null;
}
export declare class BadRequestError extends APIStatusError {}
export declare class AuthenticationError extends APIStatusError {}
export declare class PermissionDeniedError extends APIStatusError {}
export declare class NotFoundError extends APIStatusError {}
export declare class ConflictError extends APIStatusError {}
export declare class UnprocessableEntityError extends APIStatusError {}
export declare class RateLimitError extends APIStatusError {}
export declare class InternalServerError extends APIStatusError {}
