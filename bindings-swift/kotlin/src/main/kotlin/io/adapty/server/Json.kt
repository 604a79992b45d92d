// JSON pieces the generated models (Models.kt) use: the PATCH field, attribute values, the
// serializers for date-times and custom attributes, and the reader of typed views.
package io.adapty.server

import kotlinx.serialization.KSerializer
import kotlinx.serialization.Serializable
import kotlinx.serialization.builtins.ListSerializer
import kotlinx.serialization.builtins.MapSerializer
import kotlinx.serialization.builtins.serializer
import kotlinx.serialization.descriptors.PrimitiveKind
import kotlinx.serialization.descriptors.PrimitiveSerialDescriptor
import kotlinx.serialization.descriptors.SerialDescriptor
import kotlinx.serialization.encoding.Decoder
import kotlinx.serialization.encoding.Encoder
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonDecoder
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonEncoder
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.time.OffsetDateTime
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeFormatterBuilder
import java.time.format.DateTimeParseException

/** One field of an update: left as it is ([Unset]), cleared ([Null]), or set ([Set]). */
sealed interface Field<out T> {
    data object Unset : Field<Nothing>

    data object Null : Field<Nothing>

    data class Set<out T>(val value: T) : Field<T>
}

/** Shorthand for [Field.Set]. */
fun <T> set(value: T): Field<T> = Field.Set(value)

/** A custom attribute value: text or a number (booleans and integers become numbers). */
sealed interface AttributeValue {
    data class Text(val value: String) : AttributeValue

    data class Number(val value: Double) : AttributeValue

    companion object {
        fun of(value: String): AttributeValue = Text(value)

        fun of(value: kotlin.Number): AttributeValue = Number(value.toDouble())

        fun of(value: Boolean): AttributeValue = Number(if (value) 1.0 else 0.0)
    }
}

private fun AttributeValue?.toJson(): JsonElement = when (this) {
    null -> JsonNull
    is AttributeValue.Text -> JsonPrimitive(value)
    is AttributeValue.Number -> JsonPrimitive(value)
}

internal fun attributesToJson(map: Map<String, AttributeValue?>): JsonElement = buildJsonObject { map.forEach { (k, v) -> put(k, v.toJson()) } }

/** Builds a body from [Field]s: unset ones are left out. */
internal class FieldsBuilder {
    val entries = LinkedHashMap<String, JsonElement>()

    fun <T> put(key: String, field: Field<T>, encode: (T) -> JsonElement) {
        when (field) {
            Field.Unset -> {}
            Field.Null -> entries[key] = JsonNull
            is Field.Set -> entries[key] = encode(field.value)
        }
    }
}

internal fun buildFields(block: FieldsBuilder.() -> Unit): JsonObject = JsonObject(FieldsBuilder().apply(block).entries)

/** ISO 8601 text as [OffsetDateTime]; written as RFC 3339 (seconds always present). */
object OffsetDateTimeSerializer : KSerializer<OffsetDateTime> {
    override val descriptor: SerialDescriptor = PrimitiveSerialDescriptor("OffsetDateTime", PrimitiveKind.STRING)

    /** The legacy API's offsets have no colon (`2020-01-15T15:10:36.517975+0000`), which ISO's parser refuses. */
    private val compactOffset: DateTimeFormatter =
        DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HHMM", "Z").toFormatter()

    override fun serialize(encoder: Encoder, value: OffsetDateTime) = encoder.encodeString(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(value))

    override fun deserialize(decoder: Decoder): OffsetDateTime {
        val text = decoder.decodeString()
        return try {
            OffsetDateTime.parse(text)
        } catch (_: DateTimeParseException) {
            OffsetDateTime.parse(text, compactOffset)
        }
    }
}

@Serializable
private data class KeyValue(val key: String, val value: JsonElement = JsonNull)

/** The API's `[{key, value}]` list as a map of key to value. */
object CustomAttributesSerializer : KSerializer<Map<String, AttributeValue?>> {
    private val list = ListSerializer(KeyValue.serializer())
    override val descriptor: SerialDescriptor = list.descriptor

    override fun serialize(encoder: Encoder, value: Map<String, AttributeValue?>) {
        val items = value.map { (k, v) -> KeyValue(k, v.toJson()) }
        (encoder as JsonEncoder).encodeSerializableValue(list, items)
    }

    override fun deserialize(decoder: Decoder): Map<String, AttributeValue?> =
        (decoder as JsonDecoder).decodeSerializableValue(list).associate { (key, value) -> key to value.toAttribute() }
}

/** A JSON value as an attribute value: null for null (or anything but text, a number or a boolean). */
private fun JsonElement.toAttribute(): AttributeValue? {
    val primitive = this as? JsonPrimitive
    return when {
        primitive == null || this is JsonNull -> null
        primitive.isString -> AttributeValue.Text(primitive.content)
        else -> primitive.doubleOrNull?.let { AttributeValue.Number(it) } ?: primitive.booleanOrNull?.let { AttributeValue.of(it) }
    }
}

/** A JSON object of attribute values (text or numbers) as a map. */
object AttributeMapSerializer : KSerializer<Map<String, AttributeValue>> {
    private val map = MapSerializer(String.serializer(), JsonElement.serializer())
    override val descriptor: SerialDescriptor = map.descriptor

    override fun serialize(encoder: Encoder, value: Map<String, AttributeValue>) =
        encoder.encodeSerializableValue(map, value.mapValues { (_, v) -> v.toJson() })

    override fun deserialize(decoder: Decoder): Map<String, AttributeValue> =
        decoder.decodeSerializableValue(map).mapNotNull { (key, value) -> value.toAttribute()?.let { key to it } }.toMap()
}

/** Reads the views of models that keep a field as received (e.g. a webhook's properties). */
internal val modelJson = Json { ignoreUnknownKeys = true }

internal fun JsonElement.field(key: String): JsonElement? = jsonObject[key]?.takeUnless { it is JsonNull }

internal fun JsonElement.text(key: String): String? = field(key)?.jsonPrimitive?.content
