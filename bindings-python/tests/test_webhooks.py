"""Webhooks: the shared cases of tests/vectors/webhooks.json (Adapty's documented examples among
them) through `webhooks.construct_event`, read as the typed objects a receiver uses."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import adapty_server
import pytest
from adapty_server import webhooks
from adapty_server._convert import Model
from conftest import ROOT

VECTORS = os.path.join(ROOT, "tests", "vectors")
with open(os.path.join(VECTORS, "webhooks.json")) as f:
    CASES = json.load(f)["cases"]


def body(case: dict[str, Any]) -> bytes:
    if "body_file" in case:
        with open(os.path.join(VECTORS, "examples", case["body_file"]), "rb") as f:
            return f.read()
    return str(case["body"]).encode()


def matches(expected: Any, actual: Any) -> bool:
    """`expected` (the case's JSON) found in `actual` (typed objects): objects on the keys
    listed (model fields, or `extra` for unknown ones), datetimes as instants, numbers by value."""
    if isinstance(expected, dict):
        if isinstance(actual, Model):
            extra: dict[str, Any] = getattr(actual, "extra", {})
            return all(matches(v, getattr(actual, k) if k in actual._FIELDS else extra.get(k)) for k, v in expected.items())
        return isinstance(actual, dict) and all(matches(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(matches, expected, actual))
    if isinstance(actual, dt.datetime):
        return isinstance(expected, str) and dt.datetime.fromisoformat(expected.replace("Z", "+00:00")) == actual
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and not isinstance(actual, bool) and float(expected) == float(actual)
    return bool(expected == actual)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_vectors(case: dict[str, Any]) -> None:
    expect = case["expect"]
    try:
        event = webhooks.construct_event(body(case), case["authorization"], case["secret"], event_names=case.get("event_names"))
    except adapty_server.AdaptyError as e:
        kinds = {
            "webhook_authorization": webhooks.WebhookAuthorizationError,
            "webhook_payload": webhooks.WebhookPayloadError,
            "usage": adapty_server.UsageError,
        }
        assert "error" in expect, f"unexpected {e!r}"
        assert isinstance(e, kinds[expect["error"]]), repr(e)
        if "field" in expect:
            assert getattr(e, "field", None) == expect["field"], repr(e)
        return
    assert "event" in expect, f"expected {expect}, got {event!r}"
    assert matches(expect["event"], event), f"expected {expect['event']}, got {event!r}"


def test_properties_are_typed_by_the_event_type() -> None:
    with open(os.path.join(VECTORS, "examples", "webhooks/webhook-subscription-started.json"), "rb") as f:
        started = webhooks.construct_event(f.read(), "s", "s")
    assert started.type == "subscription_started" and isinstance(started.properties, webhooks.EventProperties)
    assert started.properties.price_usd == 4.99 and started.event_datetime == dt.datetime(2000, 1, 31, tzinfo=dt.timezone.utc)
    assert started.attributions["appsflyer"].status == "non_organic"
    updated = webhooks.parse_event('{"event_type": "access_level_updated", "event_properties": {"is_active": true}}')
    assert isinstance(updated.properties, webhooks.AccessLevelUpdatedProperties) and updated.properties.is_active
    unknown = webhooks.parse_event(b'{"event_type": "mystery", "event_properties": {"a": 1}}')
    assert (unknown.type, unknown.raw_type, unknown.properties) == ("unknown", "mystery", {"a": 1})
    verification = webhooks.parse_event(b"{}")
    assert verification.is_verification and verification.properties is None


def test_errors_are_adapty_errors_and_carry_the_field() -> None:
    with pytest.raises(webhooks.WebhookAuthorizationError) as refused:
        webhooks.construct_event(b"{}", "a-guess", "s3cr3t-value")
    assert isinstance(refused.value, adapty_server.AdaptyError) and "s3cr3t-value" not in str(refused.value)
    with pytest.raises(webhooks.WebhookPayloadError) as bad:
        webhooks.construct_event(b'{"event_type": 5}', "secret", "secret")
    assert bad.value.field == "event_type"
    with pytest.raises(TypeError):
        webhooks.construct_event(42, "secret", "secret")  # type: ignore[arg-type]
    with pytest.raises(webhooks.WebhookAuthorizationError):
        webhooks.construct_event(None, "guess", "secret")  # type: ignore[arg-type]
