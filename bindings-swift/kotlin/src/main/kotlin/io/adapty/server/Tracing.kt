// OpenTelemetry spans of the SDK's requests, when the application has OpenTelemetry's API and has set its global instance
// (the Java agent or the SDK's `buildAndRegisterGlobal`): every attempt of every call is a CLIENT span in OpenTelemetry's
// HTTP client conventions, a child of the context current when the call began, and its context goes with the request
// (`traceparent`, `tracestate`: whatever the global propagators write). The core says what each span is (name,
// attributes); this only hands them to the API. Without OpenTelemetry a call costs one field read.
package io.adapty.server

import io.opentelemetry.api.GlobalOpenTelemetry
import io.opentelemetry.api.trace.Span
import io.opentelemetry.api.trace.SpanBuilder
import io.opentelemetry.api.trace.SpanKind
import io.opentelemetry.api.trace.StatusCode
import io.opentelemetry.api.trace.Tracer
import io.opentelemetry.context.Context
import io.opentelemetry.context.propagation.TextMapPropagator
import io.opentelemetry.context.propagation.TextMapSetter
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull
import uniffi.adapty_server_ffi.CallTrace
import java.util.concurrent.ConcurrentHashMap

/** Whether OpenTelemetry's API is on the classpath (checked once; its classes load only if it is). */
private val hasOpenTelemetry: Boolean by lazy { runCatching { Class.forName("io.opentelemetry.api.GlobalOpenTelemetry") }.isSuccess }

/** The spans of the call about to begin, under the current context; null when there is no OpenTelemetry to record them. */
internal fun callTrace(): CallTrace? = if (hasOpenTelemetry) OpenTelemetryTraces.forCall() else null

/** Touched only when OpenTelemetry's API is present: this file's top level must name none of its classes (it is loaded
 * without them). */
private object OpenTelemetryTraces {
    private const val SCOPE = "adapty-server"

    val headerSetter = TextMapSetter<MutableMap<String, String>> { carrier, key, value -> carrier?.put(key, value) }

    fun forCall(): CallTrace? {
        // `get()` before the application sets it would fix the global to a no-op for good.
        if (!GlobalOpenTelemetry.isSet()) return null
        val openTelemetry = GlobalOpenTelemetry.get()
        return OpenTelemetryCallTrace(openTelemetry.getTracer(SCOPE), openTelemetry.propagators.textMapPropagator, Context.current())
    }
}

/** One call's spans, by the core's attempt id; called on the thread the request runs on, so it never throws. */
private class OpenTelemetryCallTrace(private val tracer: Tracer, private val propagator: TextMapPropagator, private val parent: Context) : CallTrace {
    private val spans = ConcurrentHashMap<ULong, Span>()

    override fun start(id: ULong, spanJson: String): Map<String, String> = runCatching {
        val description = json.parseToJsonElement(spanJson).jsonObject
        val builder = tracer.spanBuilder(description.getValue("name").jsonPrimitive.content).setParent(parent).setSpanKind(SpanKind.CLIENT)
        attributes(description).forEach { (key, value) -> builder.attribute(key, value) }
        val span = builder.startSpan()
        spans[id] = span
        HashMap<String, String>().also { propagator.inject(parent.with(span), it, OpenTelemetryTraces.headerSetter) }
    }.getOrDefault(emptyMap())

    override fun end(id: ULong, endJson: String) {
        val span = spans.remove(id) ?: return
        runCatching {
            val attributes = attributes(json.parseToJsonElement(endJson).jsonObject)
            attributes.forEach { (key, value) -> value.number()?.let { span.setAttribute(key, it) } ?: span.setAttribute(key, value.content) }
            if ("error.type" in attributes) span.setStatus(StatusCode.ERROR)
        }
        span.end()
    }

    private fun attributes(description: JsonObject): Map<String, JsonPrimitive> = description.getValue("attributes").jsonObject.mapValues {
        it.value.jsonPrimitive
    }

    private fun SpanBuilder.attribute(key: String, value: JsonPrimitive) {
        value.number()?.let { setAttribute(key, it) } ?: setAttribute(key, value.content)
    }

    /** A number attribute (a port, a status) as OpenTelemetry's long; null for text, even text of digits (`error.type`). */
    private fun JsonPrimitive.number(): Long? = if (isString) null else longOrNull
}
