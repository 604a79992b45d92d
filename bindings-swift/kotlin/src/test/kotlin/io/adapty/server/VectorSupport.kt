// What the generated VectorCalls.kt builds on: why a vector cannot be given to the typed API, and
// the strict readers of a vector's JSON input (hand-written: none of it depends on the manifest).
package io.adapty.server

import kotlinx.serialization.KSerializer
import kotlinx.serialization.MissingFieldException
import kotlinx.serialization.builtins.serializer
import kotlinx.serialization.descriptors.PrimitiveKind
import kotlinx.serialization.descriptors.SerialKind
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.doubleOrNull

/** Why a vector's input cannot be given to the typed API; the runner counts skipped cases by it. */
enum class Why(val text: String) {
    NoProfile("no profile id: a ProfileRef always names one"),
    Missing("a required argument or field left out: the parameter has no default"),
    UnknownKey("a key the method or the model has no parameter for"),
    Type("a value of another type than the parameter's"),
    NotInEnum("a value outside the parameter's enum"),
    DuplicateKey("a custom attribute key twice: a map holds a key once"),
}

/** A vector's input that the typed API cannot express. */
class Inexpressible(val why: Why, detail: String) : Exception("${why.text}: $detail")

/** The models' own decoders, strict (Kotlin's defaults): an unknown key or a missing field fails. */
internal val strict = Json

/** [value] decoded by [serializer], a value of another JSON type refused (no number as text). */
internal fun <T> decode(path: String, value: JsonElement, serializer: KSerializer<T>): T {
    val kind = serializer.descriptor.kind
    val primitive = value as? JsonPrimitive
    val wantsText = kind == PrimitiveKind.STRING || kind == SerialKind.ENUM
    val wantsScalar = kind is PrimitiveKind && !wantsText
    if ((wantsText && primitive?.isString != true) || (wantsScalar && (primitive == null || primitive.isString))) {
        throw Inexpressible(Why.Type, "$path is $value")
    }
    return try {
        strict.decodeFromJsonElement(serializer, value)
    } catch (e: MissingFieldException) {
        throw Inexpressible(Why.Missing, "$path: ${e.message}")
    } catch (e: Exception) {
        val message = e.message.orEmpty()
        val why = when {
            "unknown key" in message -> Why.UnknownKey
            "does not contain element with name" in message -> Why.NotInEnum
            else -> Why.Type
        }
        throw Inexpressible(why, "$path: ${message.lineSequence().first()}")
    }
}

/** A custom attribute value as [AttributeValue] takes it: text, a number or a boolean; null deletes. */
internal fun attribute(path: String, value: JsonElement): AttributeValue? {
    val primitive = value as? JsonPrimitive ?: throw Inexpressible(Why.Type, "$path is $value")
    return when {
        primitive is JsonNull -> null
        primitive.isString -> AttributeValue.of(primitive.content)
        primitive.booleanOrNull != null -> AttributeValue.of(primitive.booleanOrNull!!)
        else -> AttributeValue.of(primitive.doubleOrNull ?: throw Inexpressible(Why.Type, "$path is $value"))
    }
}

/** Custom attributes as a map, given as one or in the API's `[{key, value}]` list form. */
internal fun attributes(path: String, value: JsonElement): Map<String, AttributeValue?> = when (value) {
    is JsonObject -> value.mapValues { (k, v) -> attribute("$path.$k", v) }
    is JsonArray -> {
        val entries = value.map { item ->
            val entry = item as? JsonObject ?: throw Inexpressible(Why.Type, "$path item $item")
            (entry.keys - setOf("key", "value")).firstOrNull()?.let { throw Inexpressible(Why.UnknownKey, "$path item key $it") }
            val key = decode("$path.key", entry["key"] ?: throw Inexpressible(Why.Missing, "$path item key"), String.serializer())
            key to attribute("$path.$key", entry["value"] ?: JsonNull)
        }
        entries.groupBy { it.first }.filterValues { it.size > 1 }.keys.firstOrNull()?.let { throw Inexpressible(Why.DuplicateKey, "$path.$it") }
        entries.toMap()
    }
    else -> throw Inexpressible(Why.Type, "$path is $value")
}

/** One field of [ProfileFields]: absent is [Field.Unset], null [Field.Null]. */
internal fun <T> JsonObject.patch(key: String, decode: (JsonElement) -> T): Field<T> = when (val value = this[key]) {
    null -> Field.Unset
    is JsonNull -> Field.Null
    else -> Field.Set(decode(value))
}

/** A vector's input (the core's arguments), read argument by argument; [end] refuses the keys left. */
class VectorInput(private val input: JsonObject) {
    private val read = mutableSetOf<String>()

    private fun take(key: String): JsonElement? {
        read += key
        return input[key]?.takeUnless { it is JsonNull }
    }

    fun missing(key: String): Nothing = throw Inexpressible(Why.Missing, key)

    fun profile(): ProfileRef = ref(take("profile_id"), take("customer_user_id"), "")

    fun refs(key: String): List<ProfileRef>? = take(key)?.let { list ->
        (list as? JsonArray ?: throw Inexpressible(Why.Type, "$key is $list")).mapIndexed { i, item ->
            val r = item as? JsonObject ?: throw Inexpressible(Why.Type, "$key[$i] is $item")
            (r.keys - setOf("profile_id", "customer_user_id")).firstOrNull()?.let { throw Inexpressible(Why.UnknownKey, "$key[$i].$it") }
            ref(r["profile_id"]?.takeUnless { it is JsonNull }, r["customer_user_id"]?.takeUnless { it is JsonNull }, "$key[$i].")
        }
    }

    private fun ref(profileId: JsonElement?, customerUserId: JsonElement?, path: String): ProfileRef {
        val p = profileId?.let { decode("${path}profile_id", it, String.serializer()) }
        val c = customerUserId?.let { decode("${path}customer_user_id", it, String.serializer()) }
        return when {
            p != null && c != null -> ProfileRef.Attach(p, c)
            p != null -> ProfileRef.ProfileId(p)
            c != null -> ProfileRef.CustomerUserId(c)
            else -> throw Inexpressible(Why.NoProfile, "${path}profile_id, ${path}customer_user_id")
        }
    }

    fun text(key: String): String? = take(key)?.let { decode(key, it, String.serializer()) }

    fun count(key: String): Int? = take(key)?.let { decode(key, it, Int.serializer()) }

    fun <T> body(key: String, serializer: KSerializer<T>): T? = take(key)?.let { decode(key, it, serializer) }

    fun profileFields(key: String): ProfileFields? = take(key)?.let { value ->
        val fields = value as? JsonObject ?: throw Inexpressible(Why.Type, "$key is $value")
        (fields.keys - PROFILE_FIELD_KEYS).firstOrNull()?.let { throw Inexpressible(Why.UnknownKey, "$key.$it") }
        readProfileFields(key, fields)
    }

    fun end() {
        (input.keys - read).firstOrNull()?.let { throw Inexpressible(Why.UnknownKey, it) }
    }
}
