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
import uniffi.adapty_server_ffi.ListenerRegistration

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

/**
 * A client sharing this one's settings, connections and listeners, whose calls use [options] over its own.
 *
 * @throws AdaptyException.Validation A refused option (a header the SDK sets, e.g. `headers.Authorization`).
 */
fun AdaptyClient.withOptions(options: RequestOptions): AdaptyClient = AdaptyClient(bridge.withOptions(options.json()))

/**
 * Runs [call] on a client like this one and returns its result with its response (the last one, for a call of several
 * requests): `client.withRawResponse { profiles.get(ref) }`.
 */
suspend fun <T> AdaptyClient.withRawResponse(call: suspend AdaptyClient.() -> T): RawResponse<T> {
    val note = ResponseNote()
    return note.response(AdaptyClient(bridge.noting(note)).call())
}

/** The blocking twin of [withRawResponse]. */
fun <T> AdaptyClient.withRawResponseBlocking(call: AdaptyClient.() -> T): RawResponse<T> {
    val note = ResponseNote()
    return note.response(AdaptyClient(bridge.noting(note)).call())
}

/**
 * Calls [listener] with each request event of this client and of the clients made from it, on the thread the request runs on
 * (keep it quick), until the returned registration is cancelled.
 */
fun AdaptyClient.addListener(listener: (RequestEvent) -> Unit): ListenerRegistration = bridge.addListener(
    object : EventListener {
        override fun onEvent(eventJson: String) = listener(json.decodeFromString(RequestEvent.serializer(), eventJson))
    },
)
