// Receiving Adapty's webhooks: the core checks the Authorization header and reads the event
// (adapty_server::webhooks); this decodes it into the generated `WebhookEvent`.
import Foundation

/// Receiving Adapty's webhooks. Adapty signs nothing: it sends the value configured for the
/// webhook as the `Authorization` header, unchanged. Answer 2xx to events you accept and to the
/// verification request (`event.isVerification`), 401 to `AdaptyError.WebhookAuthorization`;
/// Adapty retries on any status outside 200-404, at least once per event: deduplicate by the
/// properties' `profileEventId`.
public enum Webhooks {
    /// The request's event, after comparing its `Authorization` header with `secret` in constant
    /// time.
    ///
    /// - Parameters:
    ///   - body: The request body as received.
    ///   - authorization: The request's `Authorization` header, nil if it had none.
    ///   - secret: The value configured as the webhook's Authorization header in Adapty.
    ///   - eventNames: Names you gave events in Adapty's webhook settings, mapped to Adapty's
    ///     types; any other unknown name reads as `.unknown`, the name kept in `rawType`.
    /// - Throws: `AdaptyError.WebhookAuthorization` (missing or different header; the body is not
    ///   read), `AdaptyError.WebhookPayload` (not an event; `field` names the wrong value).
    public static func constructEvent(
        body: Data, authorization: String?, secret: String, eventNames: [String: WebhookEventType] = [:]
    ) throws -> WebhookEvent {
        try read(body, authorization, secret, eventNames)
    }

    /// The request's event, without checking who sent it: for a webhook configured without an
    /// Authorization value, and for tests. Throws `AdaptyError.WebhookPayload`.
    public static func parseEvent(body: Data, eventNames: [String: WebhookEventType] = [:]) throws -> WebhookEvent {
        try read(body, nil, nil, eventNames)
    }

    private static func read(_ body: Data, _ authorization: String?, _ secret: String?, _ names: [String: WebhookEventType]) throws
        -> WebhookEvent
    {
        let namesJSON = String(decoding: try encoder.encode(names.mapValues(\.rawValue)), as: UTF8.self)
        let event = try webhookEvent(body: body, authorization: authorization, secret: secret, eventNamesJson: namesJSON)
        return try decoder.decode(WebhookEvent.self, from: Data(event.utf8))
    }
}
