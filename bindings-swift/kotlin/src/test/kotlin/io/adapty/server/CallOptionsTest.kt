package io.adapty.server

import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import java.util.Collections
import kotlin.coroutines.cancellation.CancellationException

/** [withOptions], [withRawResponse], request events and coroutine cancellation, read back from the emulator's journal. */
class CallOptionsTest : FeatureTest() {
    @Test
    fun `options reach the server and stay with their client`() = runBlocking {
        val ref = profile()
        val client = c.withOptions(RequestOptions(headers = mapOf("X-Team" to "billing")))
        em.control("DELETE", "journal")
        val call = RequestOptions(extraQuery = mapOf("trace" to "1"), extraBody = mapOf("future_field" to JsonObject(mapOf("a" to JsonPrimitive(1)))))
        client.withOptions(call).profiles.update(ref, ProfileFields(firstName = Field.Set("Ann")))
        client.profiles.getBlocking(ref)
        val (update, read) = em.journal().map { it.jsonObject }
        assertEquals("billing", update["headers"]!!.jsonObject["x-team"]!!.jsonPrimitive.content)
        assertEquals("trace=1", update["query"]!!.jsonPrimitive.content)
        val body = Json.parseToJsonElement(update["body"]!!.jsonPrimitive.content).jsonObject
        assertEquals("Ann", body["first_name"]!!.jsonPrimitive.content)
        assertEquals(JsonObject(mapOf("a" to JsonPrimitive(1))), body["future_field"])
        assertEquals("billing", read["headers"]!!.jsonObject["x-team"]!!.jsonPrimitive.content)
        assertEquals(JsonNull, read["query"], "the call's options were the call's only")
    }

    @Test
    fun `owned headers are refused`() {
        val e = assertThrows<AdaptyException.Validation> { c.withOptions(RequestOptions(headers = mapOf("Authorization" to "Api-Key other"))) }
        assertEquals("headers.Authorization" to "conflict", e.field to e.rule)
    }

    @Test
    fun `a raw response has the status, headers and request id`() = runBlocking {
        val ref = profile()
        em.control("DELETE", "journal")
        val raw = c.withRawResponse { profiles.get(ref) }
        val blocking = c.withRawResponseBlocking { profiles.getBlocking(ref) }
        val journal = em.journal().map { it.jsonObject }
        assertEquals(200, raw.status)
        assertEquals(journal[0]["request_id"]!!.jsonPrimitive.content, raw.requestId)
        assertEquals(0, raw.retries)
        assertEquals("application/json", raw.headers["content-type"])
        assertEquals(ref.id, raw.data.customerUserId)
        assertEquals(journal[1]["request_id"]!!.jsonPrimitive.content, blocking.requestId)
    }

    @Test
    fun `a call's retries replace the client's`() = runBlocking {
        val ref = profile()
        em.control("POST", "faults", obj("method" to "GET", "status" to 503, "times" to 1))
        AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl, maxRetries = 0).use { strict ->
            val raw = strict.withOptions(RequestOptions(maxRetries = 1)).withRawResponse { profiles.get(ref) }
            assertEquals(1, raw.retries, "one retry, though the client allows none")
        }
    }

    @Test
    fun `listeners see every attempt`() = runBlocking {
        val ref = profile()
        val seen = Collections.synchronizedList(mutableListOf<RequestEvent>())
        val registration = c.addListener { seen.add(it) }
        em.control("POST", "faults", obj("method" to "GET", "status" to 503, "times" to 1))
        c.withOptions(RequestOptions(timeout = 5.0)).profiles.get(ref)
        assertEquals(listOf("request 1 null", "response 1 503", "request 2 null", "response 2 200"), seen.map { "${it.type} ${it.attempt} ${it.status}" })
        assertEquals("profiles.get", seen[3].operation)
        assertEquals("api", seen[1].errorKind)
        assertTrue(seen[3].requestId != null && seen[3].url.startsWith(em.baseUrl))
        assertTrue(registration.cancel())
        c.profiles.get(ref)
        assertEquals(4, seen.size, "a cancelled registration hears nothing")
    }

    @Test
    fun `cancelling the coroutine drops the request`() = runBlocking {
        val ref = profile()
        em.control("DELETE", "journal")
        em.control("POST", "faults", obj("method" to "GET", "delay_ms" to 1000, "times" to 5))
        val started = System.nanoTime()
        val call = async { c.profiles.get(ref) }
        delay(100)
        call.cancel()
        assertThrows<CancellationException> { runBlocking { call.await() } }
        assertTrue((System.nanoTime() - started) / 1_000_000 < 900, "cancelled when asked, not when the response came")
        delay(1300)
        assertTrue(em.journal().none { it.jsonObject["status"]?.jsonPrimitive?.content == "200" }, "nothing was retried to completion")
    }
}
