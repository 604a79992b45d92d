// What a native HTTP stack would give beside each call, given by the core: options over a client's ([AdaptyClient.withOptions]),
// a call's response ([AdaptyClient.withRawResponse]), and request events ([AdaptyClient.addListener]).
package io.adapty.server

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import uniffi.adapty_server_ffi.AdaptyException
import uniffi.adapty_server_ffi.EventListener

/**
 * Options of calls, over a client's: `client.withOptions(RequestOptions(timeout = 5.0))` for every call of the new client, or for
 * one call. Each one left null (or empty) keeps the client's.
 *
 * @property timeout Time allowed for one attempt, in seconds.
 * @property maxRetries Retries after the first attempt.
 * @property headers Extra headers; those the SDK sets (`Authorization`, the profile and idempotency headers) are refused.
 * @property extraQuery Extra query parameters.
 * @property extraBody Extra body fields the SDK does not know yet; a field it knows is refused (give it as one, where it is checked).
 */
data class RequestOptions
@JvmOverloads
constructor(
    val timeout: Double? = null,
    val maxRetries: Int? = null,
    val headers: Map<String, String> = emptyMap(),
    val extraQuery: Map<String, String> = emptyMap(),
    val extraBody: Map<String, JsonElement> = emptyMap(),
) {
    /** The options as the core reads them. */
    internal fun json(): String = JsonObject(
        mapOf(
            "timeout" to (timeout?.let(::JsonPrimitive) ?: JsonNull),
            "max_retries" to (maxRetries?.let(::JsonPrimitive) ?: JsonNull),
            "headers" to JsonObject(headers.mapValues { JsonPrimitive(it.value) }),
            "extra_query" to JsonObject(extraQuery.mapValues { JsonPrimitive(it.value) }),
            "extra_body" to JsonObject(extraBody),
        ),
    ).toString()
}

/**
 * A call's result with its response.
 *
 * @property headers Names in lower case.
 * @property requestId What Adapty's support asks for.
 * @property retries Attempts before the one that succeeded.
 */
data class RawResponse<T>(val data: T, val status: Int, val headers: Map<String, String>, val requestId: String?, val retries: Int)

/**
 * One attempt of a request, before it is sent ([type] `request`) or when it ended (`response`). Never the key, never a body.
 *
 * @property operation The operation, e.g. `profiles.get`.
 * @property attempt 1 for the first attempt, 2 for the first retry, ...
 * @property status The response's status; null when none came, and for request events.
 * @property elapsedMs From sending to the whole response (response events).
 * @property errorKind `api` for an error status, `connection`, `timeout`, ...; null on success.
 */
@Serializable
data class RequestEvent(
    val type: String,
    val operation: String,
    val method: String,
    val url: String,
    val attempt: Int,
    val status: Int? = null,
    @SerialName("request_id") val requestId: String? = null,
    @SerialName("elapsed_ms") val elapsedMs: Double? = null,
    @SerialName("error_kind") val errorKind: String? = null,
)

/** A response as the core describes it. */
@Serializable
internal data class ResponseMeta(val status: Int, val headers: Map<String, String>, @SerialName("request_id") val requestId: String? = null, val retries: Int)

/** A raw call's answer: its result and its response. */
@Serializable
internal data class RawAnswer<T>(val data: T, val response: ResponseMeta)

/** The last response of the calls of one [AdaptyClient.withRawResponse]. */
internal class ResponseNote {
    @Volatile private var last: ResponseMeta? = null

    fun record(response: ResponseMeta) {
        last = response
    }

    fun <T> response(data: T): RawResponse<T> {
        val meta = last ?: throw AdaptyException.Usage("the call sent no request, so it has no response")
        return RawResponse(data, meta.status, meta.headers, meta.requestId, meta.retries)
    }
}

/** Sees each request event (`AdaptyClient.addListener`): a Kotlin or a Java lambda. */
fun interface RequestListener {
    fun onEvent(event: RequestEvent)
}

/** The native library's listener, handing each event's JSON decoded to this one. */
internal fun RequestListener.asEventListener() = object : EventListener {
    override fun onEvent(eventJson: String) = this@asEventListener.onEvent(json.decodeFromString(RequestEvent.serializer(), eventJson))
}
