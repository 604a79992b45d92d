// Receiving Adapty's webhooks: the core checks the Authorization header and reads the event
// (adapty_server::webhooks); this decodes it into the generated WebhookEvent.
package io.adapty.server

import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import uniffi.adapty_server_ffi.webhookEvent

/**
 * Receiving Adapty's webhooks. Adapty signs nothing: it sends the value configured for the webhook
 * as the `Authorization` header, unchanged. Answer 2xx to events you accept and to the
 * verification request ([WebhookEvent.isVerification]), 401 to
 * `AdaptyException.WebhookAuthorization`; Adapty retries on any status outside 200-404, at least
 * once per event: deduplicate by the properties' `profileEventId`.
 */
object Webhooks {
    /**
     * The request's event, after comparing its `Authorization` header with [secret] in constant time.
     *
     * @param body The request body as received.
     * @param authorization The request's `Authorization` header, null if it had none.
     * @param secret The value configured as the webhook's Authorization header in Adapty.
     * @param eventNames Names you gave events in Adapty's webhook settings, mapped to Adapty's types;
     *   any other unknown name reads as [WebhookEventType.Unknown], the name kept in `rawType`.
     * @throws AdaptyException.WebhookAuthorization The header is missing or different (the body is not read).
     * @throws AdaptyException.WebhookPayload The body is not an event; `field` names the wrong value.
     */
    fun constructEvent(body: ByteArray, authorization: String?, secret: String, eventNames: Map<String, WebhookEventType> = emptyMap()): WebhookEvent =
        read(body, authorization, secret, eventNames)

    /** The request's event, without checking who sent it: for a webhook configured without an Authorization value, and for tests. */
    fun parseEvent(body: ByteArray, eventNames: Map<String, WebhookEventType> = emptyMap()): WebhookEvent = read(body, null, null, eventNames)

    private fun read(body: ByteArray, authorization: String?, secret: String?, names: Map<String, WebhookEventType>): WebhookEvent {
        val namesJson = JsonObject(names.mapValues { JsonPrimitive(it.value.wire) }).toString()
        return modelJson.decodeFromString(WebhookEvent.serializer(), webhookEvent(body, authorization, secret, namesJson))
    }
}
