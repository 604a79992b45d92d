"""OpenTelemetry spans of the SDK's requests: when an OpenTelemetry SDK is configured (a tracer
provider set through `opentelemetry-api`), every attempt of every call is a CLIENT span in
OpenTelemetry's HTTP client conventions, a child of the span current when the call began, and its
context goes with the request (`traceparent`, `tracestate`: whatever the global propagator
writes). The core says what each span is (name, attributes); this only hands them to the API.

Nothing is imported here: a process that configured OpenTelemetry has imported
`opentelemetry.trace` already, and one that has not pays one dictionary lookup per call."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from ._native import CORE_VERSION

_SCOPE = "adapty_server"
"""The instrumentation scope the spans are recorded under."""

_NO_PROVIDER_IN_ENVIRONMENT = "OTEL_PYTHON_TRACER_PROVIDER" not in os.environ
"""Whether OpenTelemetry may load a provider named in the environment (read once, at import)."""

_tracers: dict[int, tuple[Any, Any]] = {}
"""The scope's tracer of each provider (by id, with the provider, which keeps the id valid)."""


def call_tracer() -> CallTracer | None:
    """A tracer for the call about to begin, under the current context; None when there is no
    OpenTelemetry SDK to record spans (nothing is done then)."""
    trace = sys.modules.get("opentelemetry.trace")
    # `get_tracer_provider()` reads the environment each time (most of a microsecond): while its
    # global is unset and no provider is named in the environment, no provider can be returned.
    if trace is None or (getattr(trace, "_TRACER_PROVIDER", ...) is None and _NO_PROVIDER_IN_ENVIRONMENT):
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
        return None
    cached = _tracers.get(id(provider))
    if cached is None or cached[0] is not provider:
        cached = _tracers[id(provider)] = (provider, provider.get_tracer(_SCOPE, CORE_VERSION))
    return CallTracer(cached[1])


class CallTracer:
    """Starts the span of each attempt of one call (the core calls `start` on the thread the
    request runs on, before each attempt, and the function it returns when the attempt ends)."""

    __slots__ = ("_tracer", "_parent")

    def __init__(self, tracer: Any) -> None:
        from opentelemetry import context

        self._tracer = tracer
        self._parent = context.get_current()

    def start(self, span_json: str) -> tuple[Callable[[str], None], list[tuple[str, str]]]:
        """Starts the span the core describes; returns how to end it and the headers to send."""
        from opentelemetry import propagate, trace

        description = json.loads(span_json)
        span = self._tracer.start_span(
            description["name"], context=self._parent, kind=trace.SpanKind.CLIENT, attributes=description["attributes"]
        )
        carrier: dict[str, str] = {}
        propagate.inject(carrier, context=trace.set_span_in_context(span, self._parent))
        return functools.partial(_end, span), list(carrier.items())


def _end(span: Any, end_json: str) -> None:
    """Ends `span` as the core describes: its status code, and `error.type` marking a failure."""
    from opentelemetry.trace import StatusCode

    attributes = json.loads(end_json)["attributes"]
    span.set_attributes(attributes)
    if "error.type" in attributes:
        span.set_status(StatusCode.ERROR)
    span.end()
