package io.adapty.server

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException

/** Walks over every page: argument checks, and the guard against a repeated or older cursor. */
class WalksTest : FeatureTest() {
    @Test
    fun validationOfListArguments() = runBlocking {
        val e = assertThrows<AdaptyException.Validation> { runBlocking { c.paywalls.list(pageSize = 0) } }
        assertEquals("page_size", e.field)
        val v = assertThrows<AdaptyException.Validation> { c.paywalls.listAllBlocking(pageSize = 10_000).firstOrNull() }
        assertEquals("page_size", v.field)
        assertEquals(0, em.journal().size)
    }

    /** A server that ignores the page asked for repeats a cursor: the walk fails instead of looping. */
    @Test
    fun pageWalksFailOnARepeatedCursor() = bothStyles { blocking ->
        val ref = profile()
        val walks = listOf(
            Triple("/api/v2/server-side-api/paywalls", """{"data": [], "meta": {"pagination": {"count": 10, "page": 1, "pages": 5}}}""", "2"),
            Triple("/api/v2/server-side-api/vc/transactions", """{"data": [], "pagination": {"next_cursor": "abc"}}""", "abc"),
        )
        for ((path, body, cursor) in walks) {
            fakePages(path, body)
            val e = assertThrows<AdaptyException.Usage> {
                if (path.endsWith("paywalls")) {
                    if (blocking) c.paywalls.listAllBlocking().toList() else runBlocking { c.paywalls.listAll().toList() }
                } else {
                    if (blocking) {
                        c.virtualCurrency.listAllTransactionsBlocking(ref).toList()
                    } else {
                        runBlocking {
                            c.virtualCurrency.listAllTransactions(ref).toList()
                        }
                    }
                }
            }
            assertTrue("the API returned cursor \"$cursor\" again" in e.detail, e.detail)
            val sent = em.journal()
            assertEquals(2, sent.size, "$path blocking=$blocking")
            val query = sent.last().jsonObject["query"]!!.jsonPrimitive.content
            assertTrue((if (path.endsWith("paywalls")) "page=2&" else "cursor=abc") in query, query)
        }
    }

    /** An empty next cursor ends a walk like a missing one. */
    @Test
    fun anEmptyCursorEndsTheWalk() = bothStyles { blocking ->
        val ref = profile()
        fakePages("/api/v2/server-side-api/vc/transactions", """{"data": [], "pagination": {"next_cursor": ""}}""")
        val all = if (blocking) c.virtualCurrency.listAllTransactionsBlocking(ref).toList() else c.virtualCurrency.listAllTransactions(ref).toList()
        assertEquals(0, all.size)
        assertEquals(1, em.journal().size)
    }

    /** A repeat of any cursor sent before, not only the last one, ends the walk: a→b→a fails at the third page. */
    @Test
    fun anOlderCursorAgainFailsToo() = bothStyles { blocking ->
        val ref = profile()
        em.control("DELETE", "faults")
        val pages = listOf("a", "b", "a").map { next ->
            JsonObject(
                mapOf(
                    "method" to JsonPrimitive("GET"),
                    "path_prefix" to JsonPrimitive("/api/v2/server-side-api/vc/transactions"),
                    "status" to JsonPrimitive(200),
                    "body" to Json.parseToJsonElement("""{"data": [], "pagination": {"next_cursor": "$next"}}"""),
                ),
            )
        }
        em.fault(*pages.toTypedArray())
        em.control("DELETE", "journal")
        val e = assertThrows<AdaptyException.Usage> {
            if (blocking) c.virtualCurrency.listAllTransactionsBlocking(ref).toList() else runBlocking { c.virtualCurrency.listAllTransactions(ref).toList() }
        }
        assertTrue("cursor \"a\" again" in e.detail, e.detail)
        val queries = em.journal().map { it.jsonObject["query"]!!.jsonPrimitive.content }
        assertEquals(3, queries.size, "blocking=$blocking")
        assertTrue("cursor=" !in queries[0], queries[0])
        assertTrue("cursor=a" in queries[1], queries[1])
        assertTrue("cursor=b" in queries[2], queries[2])
    }
}
