// OpenTelemetry spans of the SDK's requests: when `@opentelemetry/api` resolves (an optional peer
// dependency) and an SDK has registered a tracer provider, every attempt of every call is a CLIENT
// span in OpenTelemetry's HTTP client conventions, a child of the context active when the call
// began, and its context goes with the request (`traceparent`, `tracestate`: whatever the global
// propagator writes). The core says what each span is (name, attributes); this only hands them to
// the API. Without an SDK a call costs one property lookup.

const SCOPE = 'adapty-server';
const { version: VERSION } = require('../package.json');

/** The API, once looked up: null when it is not installed. */
let api;

function otel() {
  if (api === undefined) {
    try {
      api = require('@opentelemetry/api');
    } catch {
      api = null;
    }
  }
  return api;
}

/** Our tracer from the SDK's provider; undefined while no SDK is registered (or no API installed). */
function registeredTracer() {
  // The global provider is a proxy; its delegate is the SDK's, once one is registered.
  return otel()?.trace.getTracerProvider().getDelegateTracer?.(SCOPE, VERSION);
}

/**
 * The tracer of a call about to begin, as the addon calls it: `(id, json)` starts span `id` from
 * the core's description and returns the JSON text of the headers that carry it, or, called
 * again with the same id, ends it; null when no SDK records spans.
 */
function callTracer() {
  const tracer = registeredTracer();
  if (!tracer) return null;
  const otelApi = otel();
  const parent = otelApi.context.active();
  const spans = new Map();
  return (id, json) => {
    // Called from the addon: a throw here would be uncaught, so a failing span costs only itself.
    try {
      const span = spans.get(id);
      if (span === undefined) return start(otelApi, tracer, parent, spans, id, JSON.parse(json));
      spans.delete(id);
      end(otelApi, span, JSON.parse(json).attributes);
    } catch {}
    return undefined;
  };
}

function start(otelApi, tracer, parent, spans, id, { name, attributes }) {
  const span = tracer.startSpan(name, { kind: otelApi.SpanKind.CLIENT, attributes }, parent);
  spans.set(id, span);
  const carrier = {};
  otelApi.propagation.inject(otelApi.trace.setSpan(parent, span), carrier);
  return JSON.stringify(Object.entries(carrier));
}

function end(otelApi, span, attributes) {
  span.setAttributes(attributes);
  if ('error.type' in attributes) span.setStatus({ code: otelApi.SpanStatusCode.ERROR });
  span.end();
}

/**
 * The headers that carry the active context, for a blocking (`*Sync`) call: it blocks the thread
 * OpenTelemetry runs on, so its attempts cannot be spans of their own; null without an SDK.
 */
function contextHeaders() {
  if (!registeredTracer()) return null;
  const otelApi = otel();
  const carrier = {};
  otelApi.propagation.inject(otelApi.context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : null;
}

module.exports = { callTracer, contextHeaders };
