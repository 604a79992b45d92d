package io.adapty.server

import io.opentelemetry.api.common.AttributeKey
import io.opentelemetry.api.trace.SpanKind
import io.opentelemetry.api.trace.StatusCode
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.RegisterExtension

/** OpenTelemetry through the global instance (set by the SDK's test extension for this class): each attempt is a CLIENT
 * span under the caller's, and its context is what the request carries. */
class TracingTest : FeatureTest() {
    companion object {
        @JvmField
        @RegisterExtension
        val otel: OpenTelemetryExtension = OpenTelemetryExtension.create()
    }

    @Test
    fun `each attempt is a client span under the caller, and its context is sent`() {
        val ref = profile()
        em.control("DELETE", "journal")
        em.control("POST", "faults", obj("method" to "GET", "status" to 503, "times" to 1))
        val handler = otel.openTelemetry.getTracer("app").spanBuilder("handler").startSpan()
        handler.makeCurrent().use {
            c.profiles.getBlocking(ref) // a 503 first, then retried
            runBlocking { c.paywalls.listAll().collect {} }
        }
        handler.end()

        val ours = otel.spans.filter { it.instrumentationScopeInfo.name == "adapty-server" }.sortedBy { it.startEpochNanos }
        val sent = em.journal().map { it.jsonObject }.filter { !it["path"]!!.jsonPrimitive.content.startsWith("/__") }
        assertEquals(sent.size, ours.size, ours.toString())
        assertTrue(ours.size >= 3, ours.toString())
        ours.zip(sent).forEach { (span, request) ->
            assertEquals(SpanKind.CLIENT, span.kind)
            assertEquals(handler.spanContext.spanId, span.parentSpanId)
            assertEquals(handler.spanContext.traceId, span.traceId)
            val headers = request["headers"]!!.jsonObject
            assertEquals("00-${span.traceId}-${span.spanId}-${span.spanContext.traceFlags.asHex()}", headers["traceparent"]!!.jsonPrimitive.content)
            val method = request["method"]!!.jsonPrimitive.content
            assertEquals(method, span.name)
            assertEquals(method, span.attributes.get(AttributeKey.stringKey("http.request.method")))
            assertEquals("127.0.0.1", span.attributes.get(AttributeKey.stringKey("server.address")))
            assertTrue(span.attributes.get(AttributeKey.stringKey("url.full"))!!.startsWith(em.baseUrl))
        }
        val (failed, retried) = ours
        assertEquals("profiles.get", failed.attributes.get(AttributeKey.stringKey("adapty.operation")))
        assertEquals(StatusCode.ERROR, failed.status.statusCode)
        assertEquals(503L, failed.attributes.get(AttributeKey.longKey("http.response.status_code")))
        assertEquals("503", failed.attributes.get(AttributeKey.stringKey("error.type")))
        assertNull(failed.attributes.get(AttributeKey.longKey("http.request.resend_count")))
        assertEquals(StatusCode.UNSET, retried.status.statusCode)
        assertEquals(1L, retried.attributes.get(AttributeKey.longKey("http.request.resend_count")))
        assertEquals(200L, retried.attributes.get(AttributeKey.longKey("http.response.status_code")))
        assertTrue(ours.drop(2).all { it.attributes.get(AttributeKey.stringKey("adapty.operation")) == "paywalls.list" })
    }
}
