// Receiving Adapty's webhooks (lib/webhooks.js).
import type { WebhookEvent, WebhookEventType } from './generated/models';

/** Options of `webhooks.constructEvent` and `webhooks.parseEvent`. */
export interface WebhookOptions {
  /**
   * Names you gave events in Adapty's webhook settings, mapped to Adapty's types (e.g.
   * `{ purchase: 'subscription_started' }`); any other name Adapty does not use reads as type
   * `'unknown'`, the name kept in `rawType`.
   */
  eventNames?: Record<string, Exclude<WebhookEventType, 'unknown' | 'verification'>>;
}

/**
 * Receiving Adapty's webhooks. Adapty signs nothing: it sends the value configured for the
 * webhook as the `Authorization` header, unchanged. Answer 2xx to events you accept and to the
 * verification request (`event.type === 'verification'`), 401 to a `WebhookAuthorizationError`;
 * Adapty retries on any status outside 200-404, at least once per event: deduplicate by
 * `properties.profileEventId`.
 */
export declare const webhooks: {
  /**
   * The request's event, after comparing its Authorization header with `secret` in constant
   * time. Throws `WebhookAuthorizationError` (missing or different header; the body is not read)
   * or `WebhookPayloadError` (not an event; `field` names the wrong value).
   */
  constructEvent(
    body: string | Uint8Array,
    authorization: string | null | undefined,
    secret: string,
    options?: WebhookOptions,
  ): WebhookEvent;
  /** The request's event, without checking who sent it. Throws `WebhookPayloadError`. */
  parseEvent(body: string | Uint8Array, options?: WebhookOptions): WebhookEvent;
};
