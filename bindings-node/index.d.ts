// Types of the adapty-server package. The models come from lib/models.d.ts, generated from the
// Rust core's definitions.
import type {
  GrantAccessParams,
  IntegrationIdentifiers,
  IntegrationIdentifiersInput,
  PaddleValidationParams,
  Paywall,
  PaywallPage,
  PaywallUpdateParams,
  Profile,
  ProfileFields,
  RefundSaverParams,
  RefundSaverSettings,
  RevokeAccessParams,
  StripeValidationParams,
  TransactionParams,
  VirtualCurrencyBalances,
  VirtualCurrencyTransaction,
  VirtualCurrencyTransactionPage,
  VirtualCurrencyTransactionParams,
  VirtualCurrencyTransactionResult,
} from './lib/models';

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

/**
 * The `*Sync` twin of each method of `T`: same parameters, blocking the event loop until done
 * (for scripts, not servers). A Promise becomes its value, an AsyncIterable an Iterable.
 */
export type SyncTwins<T> = {
  [K in keyof T & string as `${K}Sync`]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => R extends Promise<infer V> ? V : R extends AsyncIterable<infer V> ? Iterable<V> : R
    : never;
};

/** `T`'s methods and their `*Sync` twins. */
export type WithSync<T> = T & SyncTwins<T>;

export interface PurchaseMethods {
  /** Records a purchase made outside Adapty's SDKs; a subscription grants its access level. */
  setTransaction(input: ProfileRef & TransactionParams): Promise<Profile>;
  /** Imports a Stripe purchase (`sub_...` or `pi_...`), creating the profile if needed. */
  validateStripe(input: StripeValidationParams): Promise<void>;
  /** Imports a Paddle purchase (`txn_...` or `sub_...`), creating the profile if needed. */
  validatePaddle(input: PaddleValidationParams): Promise<Profile>;
}
export type Purchases = WithSync<PurchaseMethods>;

export interface AccessLevelMethods {
  /** Grants a paid access level without a transaction. */
  grant(input: ProfileRef & GrantAccessParams): Promise<Profile>;
  /** Ends an access level now, or at `revokeAt`. */
  revoke(input: ProfileRef & RevokeAccessParams): Promise<Profile>;
}
export type AccessLevels = WithSync<AccessLevelMethods>;

export interface RefundSaverMethods {
  get(ref: ProfileRef): Promise<RefundSaverSettings>;
  /** Sets at least one of `customPreference` and `consent`. */
  set(input: ProfileRef & RefundSaverParams): Promise<RefundSaverSettings>;
}
export type RefundSaver = WithSync<RefundSaverMethods>;

export interface IntegrationMethods {
  get(ref: ProfileRef): Promise<IntegrationIdentifiers>;
  /** Sets the identifiers given; the ones left out keep their value. */
  set(input: ProfileRef & IntegrationIdentifiersInput): Promise<void>;
}
export type Integrations = WithSync<IntegrationMethods>;

export interface PaywallListOptions {
  /** The page number, from 1 (default 1). */
  page?: number;
  /** Paywalls per page, 1 to 100 (default 20). */
  pageSize?: number;
  /** The previous page's `nextCursor`: the page after it (`page` is then ignored). */
  cursor?: string | null;
}

export interface PaywallMethods {
  /** One page of paywalls; `nextCursor` continues (null on the last page). */
  list(options?: PaywallListOptions): Promise<PaywallPage>;
  /** Every paywall, page after page (fetched as the iteration reaches it): `for await (const p of paywalls.listAll())`. */
  listAll(options?: { pageSize?: number }): AsyncIterable<Paywall>;
  get(paywallId: string): Promise<Paywall>;
  /** Replaces all remote configs of the paywall. */
  update(paywallId: string, input: PaywallUpdateParams): Promise<Paywall>;
}
export type Paywalls = WithSync<PaywallMethods>;

export interface TransactionHistoryOptions {
  /** Only transactions that changed this currency. */
  currencyCode?: string;
  /** Transactions per page, 1 to 100 (default 50). */
  limit?: number;
}

export interface VirtualCurrencyMethods {
  /**
   * Applies credits (positive amounts) and debits (negative) together, or none of them. Retries
   * reuse one Idempotency-Key (a UUID v4, generated unless given), so a transaction is never applied
   * twice; a later call with the same key answers as the first did.
   */
  createTransaction(
    input: ProfileRef & VirtualCurrencyTransactionParams & { idempotencyKey?: string },
  ): Promise<VirtualCurrencyTransactionResult>;
  /** One page of the profile's history, newest first; `nextCursor` continues (null on the last page). */
  listTransactions(input: ProfileRef & TransactionHistoryOptions & { cursor?: string | null }): Promise<VirtualCurrencyTransactionPage>;
  /** The whole history, newest first, page after page: `for await (const t of virtualCurrency.transactions(ref))`. */
  transactions(input: ProfileRef & TransactionHistoryOptions): AsyncIterable<VirtualCurrencyTransaction>;
  balances(ref: ProfileRef): Promise<VirtualCurrencyBalances>;
}
export type VirtualCurrency = WithSync<VirtualCurrencyMethods>;

export declare class Adapty {
  constructor(options?: AdaptyOptions);
  readonly baseUrl: string;
  readonly profiles: Profiles;
  readonly purchases: Purchases;
  readonly accessLevels: AccessLevels;
  readonly refundSaver: RefundSaver;
  readonly integrations: Integrations;
  readonly paywalls: Paywalls;
  readonly virtualCurrency: VirtualCurrency;
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
  /** The `error_code` Adapty answers the same mistake with (e.g. `expires_date_error`), if any. */
  readonly errorCode: string | null;
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
