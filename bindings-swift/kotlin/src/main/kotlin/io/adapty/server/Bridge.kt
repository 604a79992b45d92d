// The runtime bridge under the generated Operations.kt: the core's arguments as JSON, a call
// of the native client (suspending or blocking), the result decoded, and page walks as a Flow or
// a Sequence. It knows no operation: the generated methods name theirs.
package io.adapty.server

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.serialization.KSerializer
import kotlinx.serialization.builtins.ListSerializer
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import uniffi.adapty_server_ffi.NativeClient
import uniffi.adapty_server_ffi.NativeWalk
import uniffi.adapty_server_ffi.resultErrors

private val json = Json { ignoreUnknownKeys = true }

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

/** A native client, called with an operation's name and [Args]. */
internal class Bridge(options: Args) : AutoCloseable {
    private val native =
        NativeClient(options.put("language", JsonArray(listOf(JsonPrimitive("kotlin"), JsonPrimitive(KotlinVersion.CURRENT.toString())))).toString())

    val baseUrl: String get() = native.baseUrl()

    suspend fun <T> call(op: String, args: Args, output: KSerializer<T>): T = json.decodeFromString(output, native.call(op, args.toString()))

    fun <T> callBlocking(op: String, args: Args, output: KSerializer<T>): T = json.decodeFromString(output, native.callBlocking(op, args.toString()))

    /** An operation that returns nothing. */
    suspend fun send(op: String, args: Args) {
        native.call(op, args.toString())
    }

    fun sendBlocking(op: String, args: Args) {
        native.callBlocking(op, args.toString())
    }

    /** A bulk operation: one result per element of [refs] (the core's `null` or error description, made an `AdaptyException` by the native library). */
    suspend fun deleteResults(op: String, args: Args, refs: List<ProfileRef>): List<DeleteResult> = results(refs, native.call(op, args.toString()))

    fun deleteResultsBlocking(op: String, args: Args, refs: List<ProfileRef>): List<DeleteResult> = results(refs, native.callBlocking(op, args.toString()))

    private fun results(refs: List<ProfileRef>, text: String) = refs.zip(resultErrors(text)) { ref, error -> DeleteResult(ref, error) }

    /** Every item of every page of [op], walked by the core (it sends each page's cursor and refuses a repeated one). */
    fun <T> walk(op: String, args: Args, item: KSerializer<T>): Flow<T> = flow { pages(op, args, item, { it.next() }) { page -> page.forEach { emit(it) } } }

    /** [walk], lazily and blocking: the next page is fetched when the items before it have been iterated. */
    fun <T> walkBlocking(op: String, args: Args, item: KSerializer<T>): Sequence<T> = sequence { pages(op, args, item, { it.nextBlocking() }) { yieldAll(it) } }

    /** Runs the core's walk: [next] fetches a page's items (null once the walk is over), passed decoded to [emit]. */
    private inline fun <T> pages(op: String, args: Args, item: KSerializer<T>, next: (NativeWalk) -> String?, emit: (List<T>) -> Unit) {
        native.walk(op, args.toString()).use { walk ->
            while (true) {
                val items = next(walk) ?: break
                emit(json.decodeFromString(ListSerializer(item), items))
            }
        }
    }

    override fun close() = native.close()
}
