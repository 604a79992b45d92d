"""OpenTelemetry: with an SDK configured, each attempt of each call is a CLIENT span under the
caller's span, and its context is what the request carries. Run as a program of its own, as a
service configures OpenTelemetry once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

from conftest import KEY, Emulator

PROGRAM = textwrap.dedent(
    """
    import asyncio, json, sys
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    import adapty_server as a

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    tracer = trace.get_tracer("app")
    options = dict(api_key=sys.argv[1], base_url=sys.argv[2])
    user = sys.argv[3]

    with tracer.start_as_current_span("sync-handler"):
        client = a.Adapty(**options)
        client.profiles.create(customer_user_id=user)
        client.profiles.get(customer_user_id=user)  # a 503 first, then retried
        list(client.paywalls.list_all(page_size=2))
        try:
            client.profiles.get(customer_user_id=user + "-nobody")
        except a.NotFoundError:
            pass

    async def main():
        with tracer.start_as_current_span("async-handler"):
            await a.AsyncAdapty(**options).profiles.get(customer_user_id=user)

    asyncio.run(main())
    print(json.dumps([
        {
            "name": s.name,
            "kind": s.kind.name,
            "trace_id": format(s.context.trace_id, "032x"),
            "span_id": format(s.context.span_id, "016x"),
            "parent": format(s.parent.span_id, "016x") if s.parent else None,
            "attributes": dict(s.attributes),
            "status": s.status.status_code.name,
            "scope": s.instrumentation_scope.name,
        }
        for s in exporter.get_finished_spans()
    ]))
    """
)


def test_each_attempt_is_a_client_span_under_the_callers_and_its_context_is_sent(em: Emulator, user: str) -> None:
    em.seed_paywalls(3)
    em.fault({"method": "GET", "path_prefix": "/api/v2/server-side-api/profile/", "status": 503, "times": 1})
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, KEY, em.base_url, user], env=os.environ, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    spans: list[dict[str, Any]] = json.loads(out.stdout)
    handlers = {s["name"]: s for s in spans if s["scope"] == "app"}
    ours = [s for s in spans if s["scope"] == "adapty_server"]
    sent = [e for e in em.journal() if not e["path"].startswith("/__")]
    pages = sum(s["attributes"]["adapty.operation"] == "paywalls.list" for s in ours)
    assert pages >= 2 and len(ours) == len(sent) == 5 + pages, (ours, sent)  # create, get twice, the pages, the 404, async get

    by_id = {s["span_id"]: s for s in ours}
    for request in sent:
        _, trace_id, span_id, flags = request["headers"]["traceparent"].split("-")
        span = by_id[span_id]
        assert span["trace_id"] == trace_id and int(flags, 16) & 1, "sampled"
        assert span["kind"] == "CLIENT" and span["name"] == request["method"]
        assert span["attributes"]["http.request.method"] == request["method"]
        assert span["attributes"]["url.full"].startswith(em.base_url + request["path"])
        assert span["attributes"]["server.address"] == "127.0.0.1"
        assert span["attributes"]["server.port"] == int(em.base_url.rsplit(":", 1)[1])

    sync_parent, async_parent = handlers["sync-handler"], handlers["async-handler"]
    assert [s["parent"] for s in ours] == [sync_parent["span_id"]] * (len(ours) - 1) + [async_parent["span_id"]]
    assert all(s["trace_id"] == sync_parent["trace_id"] for s in ours[:-1])
    assert ours[-1]["trace_id"] == async_parent["trace_id"]

    operations = [s["attributes"]["adapty.operation"] for s in ours]
    assert operations == [
        "profiles.create",
        "profiles.get",
        "profiles.get",
        *["paywalls.list"] * pages,
        "profiles.get",
        "profiles.get",
    ]
    failed, retried = ours[1], ours[2]
    assert failed["status"] == "ERROR" and failed["attributes"]["http.response.status_code"] == 503
    assert failed["attributes"]["error.type"] == "503" and "http.request.resend_count" not in failed["attributes"]
    assert retried["status"] == "UNSET" and retried["attributes"]["http.response.status_code"] == 200
    assert retried["attributes"]["http.request.resend_count"] == 1
    not_found = ours[-2]
    assert not_found["status"] == "ERROR" and not_found["attributes"]["error.type"] == "404"


def test_without_an_sdk_nothing_is_traced_or_sent(em: Emulator, user: str) -> None:
    program = textwrap.dedent(
        """
        import sys
        import opentelemetry.trace  # the API alone, as libraries import it: no provider set
        import adapty_server as a
        from adapty_server._tracing import call_tracer
        assert call_tracer() is None
        a.Adapty(api_key=sys.argv[1], base_url=sys.argv[2]).profiles.create(customer_user_id=sys.argv[3])
        """
    )
    out = subprocess.run([sys.executable, "-c", program, KEY, em.base_url, user], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    (created,) = em.journal()
    assert "traceparent" not in created["headers"]
