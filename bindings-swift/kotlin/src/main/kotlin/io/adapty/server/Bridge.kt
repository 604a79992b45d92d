// The runtime bridge under the generated Operations.kt: the core's arguments as JSON, a call
// of the native client (suspending or blocking), the result decoded, and page walks as a Flow or
// a Sequence. It knows no operation: the generated methods name theirs.
package io.adapty.server

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.serialization.KSerializer
import kotlinx.serialization.builtins.ListSerializer
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import uniffi.adapty_server_ffi.EventListener
import uniffi.adapty_server_ffi.ListenerRegistration
import uniffi.adapty_server_ffi.NativeClient
import uniffi.adapty_server_ffi.NativeWalk
import uniffi.adapty_server_ffi.resultErrors

internal val json = Json { ignoreUnknownKeys = true }

/** Where the Java-facing `...Async` twins run their suspend calls: a `CompletableFuture` each, cancelled with it. */
internal val javaCalls = CoroutineScope(SupervisorJob() + Dispatchers.Default)

/** Request bodies: null optionals left out. */
private val bodies = Json {
    explicitNulls = false
    encodeDefaults = true
}

/** The core's arguments of one call (or a client's options), by the core's names; null values are left out ("unset"). */
internal class Args {
    private val values = LinkedHashMap<String, JsonElement>()

    fun profile(ref: ProfileRef) = apply { ref.args.forEach { (k, v) -> values[k] = JsonPrimitive(v) } }

    fun refs(name: String, refs: List<ProfileRef>) =
        apply { values[name] = JsonArray(refs.map { ref -> JsonObject(ref.args.mapValues { JsonPrimitive(it.value) }) }) }

    fun put(name: String, value: String?) = apply { value?.let { values[name] = JsonPrimitive(it) } }

    fun put(name: String, value: Number?) = apply { value?.let { values[name] = JsonPrimitive(it) } }

    fun put(name: String, value: JsonElement) = apply { values[name] = value }

    fun <T> body(name: String, body: T, serializer: KSerializer<T>) = put(name, bodies.encodeToJsonElement(serializer, body))

    fun body(name: String, fields: ProfileFields) = put(name, fields.toJson())

    override fun toString() = JsonObject(values).toString()
}

/**
 * A native client, called with an operation's name and [Args]. A bridge made by [noting] calls for raw responses and hands
 * each response to its [ResponseNote]; it shares its native client, which only the bridge that made it closes.
 */
internal class Bridge private constructor(private val native: NativeClient, private val note: ResponseNote?, private val owner: Boolean) : AutoCloseable {
    constructor(options: Args) : this(
        NativeClient(options.put("language", JsonArray(listOf(JsonPrimitive("kotlin"), JsonPrimitive(KotlinVersion.CURRENT.toString())))).toString()),
        null,
        true,
    ) {
        logThroughSlf4j(native)
    }

    val baseUrl: String get() = native.baseUrl()

    /** A bridge whose calls use [options] (the core's JSON) over this one's. */
    fun withOptions(options: String) = Bridge(native.withOptions(options), note, true)

    /** A bridge on the same native client that hands each call's response to [note]. */
    fun noting(note: ResponseNote) = Bridge(native, note, false)

    fun addListener(listener: EventListener): ListenerRegistration = native.addListener(listener)

    suspend fun <T> call(op: String, args: Args, output: KSerializer<T>): T = answer(native.call(op, args.toString(), note != null, null, callTrace()), output)

    fun <T> callBlocking(op: String, args: Args, output: KSerializer<T>): T =
        answer(native.callBlocking(op, args.toString(), note != null, callTrace()), output)

    /** An operation that returns nothing. */
    suspend fun send(op: String, args: Args) {
        answer(native.call(op, args.toString(), note != null, null, callTrace()), JsonElement.serializer())
    }

    fun sendBlocking(op: String, args: Args) {
        answer(native.callBlocking(op, args.toString(), note != null, callTrace()), JsonElement.serializer())
    }

    /** A bulk operation: one result per element of [refs] (the core's `null` or error description, made an `AdaptyException` by the native library). */
    suspend fun deleteResults(op: String, args: Args, refs: List<ProfileRef>): List<DeleteResult> =
        results(refs, answer(native.call(op, args.toString(), note != null, null, callTrace()), JsonElement.serializer()))

    fun deleteResultsBlocking(op: String, args: Args, refs: List<ProfileRef>): List<DeleteResult> =
        results(refs, answer(native.callBlocking(op, args.toString(), note != null, callTrace()), JsonElement.serializer()))

    private fun results(refs: List<ProfileRef>, errors: JsonElement) = refs.zip(resultErrors(errors.toString())) { ref, error -> DeleteResult(ref, error) }

    /** The result in a call's [answer]; a raw answer's response is handed to the note first. */
    private fun <T> answer(answer: String, output: KSerializer<T>): T {
        if (note == null) return json.decodeFromString(output, answer)
        val raw = json.decodeFromString(RawAnswer.serializer(output), answer)
        note.record(raw.response)
        return raw.data
    }

    /** Every item of every page of [op], walked by the core (it sends each page's cursor and refuses a repeated one). */
    fun <T> walk(op: String, args: Args, item: KSerializer<T>): Flow<T> =
        flow { pages(op, args, item, { it.next(callTrace()) }) { page -> page.forEach { emit(it) } } }

    /** [walk], lazily and blocking: the next page is fetched when the items before it have been iterated. */
    fun <T> walkBlocking(op: String, args: Args, item: KSerializer<T>): Sequence<T> =
        sequence { pages(op, args, item, { it.nextBlocking(callTrace()) }) { yieldAll(it) } }

    /** Runs the core's walk: [next] fetches a page's items (null once the walk is over), passed decoded to [emit]. */
    private inline fun <T> pages(op: String, args: Args, item: KSerializer<T>, next: (NativeWalk) -> String?, emit: (List<T>) -> Unit) {
        native.walk(op, args.toString()).use { walk ->
            while (true) {
                val items = next(walk) ?: break
                emit(json.decodeFromString(ListSerializer(item), items))
            }
        }
    }

    override fun close() {
        if (owner) native.close()
    }
}
