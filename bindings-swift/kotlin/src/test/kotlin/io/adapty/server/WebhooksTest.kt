package io.adapty.server

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import java.io.File
import java.time.OffsetDateTime

/** The shared webhook cases (tests/vectors/webhooks.json, Adapty's documented examples among them) through [Webhooks.constructEvent]. */
class WebhooksTest {
    private val vectors = File(System.getProperty("repo.root"), "tests/vectors")

    /**
     * Each case's event, encoded back to the core's JSON, must hold what the case expects. Kotlin
     * models keep no unknown fields: the one the vectors expect kept ([notKept]) is not compared.
     * A case whose event names map to a type Adapty does not have cannot be written with the
     * typed map, and is skipped when it expects the core's usage error.
     */
    @TestFactory
    fun sharedVectors(): List<DynamicTest> {
        val cases = Json.parseToJsonElement(File(vectors, "webhooks.json").readText()).jsonObject["cases"]!!.jsonArray.map { it.jsonObject }
        return cases.map { c ->
            DynamicTest.dynamicTest(c["name"]!!.jsonPrimitive.content) {
                val expect = c["expect"]!!.jsonObject
                val names = (c["event_names"] as? JsonObject)?.mapValues { (_, v) -> WebhookEventType.entries.find { it.wire == v.jsonPrimitive.content } }
                if (names != null && names.values.any { it == null }) {
                    assertEquals("usage", expect["error"]?.jsonPrimitive?.content, "only a usage error may be inexpressible")
                    return@dynamicTest
                }
                val auth = (c["authorization"] as? JsonPrimitive)?.takeIf { it.isString }?.content
                val secret = c["secret"]!!.jsonPrimitive.content
                val outcome = runCatching { Webhooks.constructEvent(body(c), auth, secret, names.orEmpty().mapValues { it.value!! }) }
                outcome.exceptionOrNull()?.let { e ->
                    val kind = expect["error"]?.jsonPrimitive?.content ?: throw AssertionError("unexpected $e", e)
                    when (kind) {
                        "webhook_authorization" -> assertTrue(e is AdaptyException.WebhookAuthorization, "$e")
                        "webhook_payload" -> {
                            assertTrue(e is AdaptyException.WebhookPayload, "$e")
                            expect["field"]?.let { assertEquals(it.jsonPrimitive.content, (e as AdaptyException.WebhookPayload).field) }
                        }
                        else -> assertTrue(e is AdaptyException.Usage, "$e")
                    }
                    return@dynamicTest
                }
                val event = everyField.encodeToJsonElement(WebhookEvent.serializer(), outcome.getOrThrow())
                val expected = expect["event"] ?: throw AssertionError("expected $expect, got $event")
                assertTrue(matches(expected, event), "expected $expected, got $event")
            }
        }
    }

    @Test
    fun propertiesAreTypedByTheEventType() {
        val started = Webhooks.constructEvent(File(vectors, "examples/webhooks/webhook-subscription-started.json").readBytes(), "s", "s")
        assertEquals(WebhookEventType.SubscriptionStarted, started.type)
        assertEquals(4.99, started.eventProperties?.priceUsd)
        assertEquals(null, started.accessLevelUpdatedProperties)
        assertEquals(OffsetDateTime.parse("2000-01-31T00:00:00Z"), started.eventDatetime)
        assertEquals("non_organic", started.attributions["appsflyer"]?.status)
        val updated = Webhooks.parseEvent("""{"event_type": "access_level_updated", "event_properties": {"is_active": true}}""".toByteArray())
        assertEquals(true, updated.accessLevelUpdatedProperties?.isActive)
        val renamed = Webhooks.parseEvent("""{"event_type": "bought"}""".toByteArray(), mapOf("bought" to WebhookEventType.NonSubscriptionPurchase))
        assertEquals(WebhookEventType.NonSubscriptionPurchase to "bought", renamed.type to renamed.rawType)
        assertTrue(Webhooks.parseEvent("{}".toByteArray()).isVerification)
        val wrong = assertThrows<AdaptyException.WebhookAuthorization> { Webhooks.constructEvent("not json".toByteArray(), "guess", "s3cr3t-value") }
        assertTrue("s3cr3t-value" !in wrong.message.orEmpty())
    }

    private fun body(c: JsonObject): ByteArray =
        c["body_file"]?.let { File(vectors, "examples/${it.jsonPrimitive.content}").readBytes() } ?: c["body"]!!.jsonPrimitive.content.toByteArray()

    /** Encodes fields left at their defaults too, so the event shows every field. */
    private val everyField = Json { encodeDefaults = true }

    /** The unknown fields the vectors expect kept, which Kotlin models do not keep. */
    private val notKept = setOf("brand_new_envelope_field")

    /** [expected] found in [actual]: objects on the keys listed, date-times as instants, numbers by value. */
    private fun matches(expected: JsonElement, actual: JsonElement?): Boolean = when {
        expected is JsonObject && actual is JsonObject ->
            expected.all { (k, v) -> (k !in actual && k in notKept) || matches(v, actual[k]) }
        expected is JsonArray && actual is JsonArray -> expected.size == actual.size && expected.zip(actual).all { (e, a) -> matches(e, a) }
        expected is JsonNull -> actual == null || actual is JsonNull
        expected is JsonPrimitive && actual is JsonPrimitive && !expected.isString && !actual.isString && expected.doubleOrNull != null ->
            expected.doubleOrNull == actual.doubleOrNull
        expected is JsonPrimitive && actual is JsonPrimitive && expected.isString && actual.isString ->
            expected.content == actual.content || sameInstant(expected.content, actual.content)
        else -> expected == actual
    }

    private fun sameInstant(a: String, b: String): Boolean = runCatching { OffsetDateTime.parse(a).isEqual(OffsetDateTime.parse(b)) }.getOrDefault(false)
}

/** Every body the emulator sends (read from its delivery log) parses with [Webhooks.constructEvent]. */
class EmulatorWebhooksTest : FeatureTest() {
    @Test
    fun everyBodyTheEmulatorSendsParses() = runBlocking {
        val secret = "whsec-kotlin-emulator"
        // Nothing listens there: the deliveries fail, and the log keeps what was sent.
        em.control("POST", "config", obj("webhook_url" to "http://127.0.0.1:9/adapty", "webhook_authorization" to secret))
        val ref = profile()
        c.purchases.setTransaction(ref, subscription(now().minusHours(1), now().plusDays(30)))
        c.accessLevels.grant(ref, GrantAccessParams(accessLevelId = "premium"))
        c.accessLevels.revoke(ref, RevokeAccessParams(accessLevelId = "premium"))
        val bodies = em.control("GET", "webhooks").jsonArray.map { it.jsonObject["body"].toString().toByteArray() }
        val events = bodies.map { Webhooks.constructEvent(it, secret, secret) }
        val updated = WebhookEventType.AccessLevelUpdated
        assertEquals(listOf(WebhookEventType.Verification, WebhookEventType.SubscriptionStarted, updated, updated, updated), events.map { it.type })
        assertEquals(ref.id, events[1].customerUserId)
        assertEquals("premium_monthly", events[1].eventProperties?.vendorProductId)
        assertEquals(listOf(true, true, false), events.drop(2).map { it.accessLevelUpdatedProperties?.isActive })
    }
}
