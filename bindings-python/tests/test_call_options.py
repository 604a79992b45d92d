"""Per-call options, `with_options`, raw responses and event hooks, through both clients, read back
from the emulator's journal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import adapty_server as a
import pytest
from conftest import KEY, Calls, Emulator, make_client


async def test_per_call_headers_query_and_body_fields(em: Emulator, mode: str, user: str) -> None:
    client = make_client(em, mode).with_options(headers={"X-Team": "billing", "X-Both": "client"})
    profiles = Calls(client.profiles)
    await profiles.create(
        customer_user_id=user,
        first_name="Ann",
        extra_headers={"x-both": "call"},
        extra_query={"trace": 1},
        extra_body={"future_field": {"a": 1}},
    )
    await profiles.get(customer_user_id=user)
    created, read = em.journal()
    assert created["headers"]["x-team"] == "billing" and created["headers"]["x-both"] == "call"
    assert created["query"] == "trace=1"
    body = json.loads(created["body"])
    assert body["first_name"] == "Ann" and body["future_field"] == {"a": 1}
    assert read["headers"]["x-both"] == "client" and read["query"] is None, "the call's options were the call's only"


async def test_refuses_owned_headers_and_known_fields_before_sending(em: Emulator, mode: str, user: str) -> None:
    client = make_client(em, mode)
    with pytest.raises(a.ValidationError) as e:
        client.with_options(headers={"Authorization": "Api-Key other"})
    assert e.value.field == "headers.Authorization" and e.value.rule == "conflict"
    profiles = Calls(client.profiles)
    with pytest.raises(a.ValidationError) as e:
        await profiles.update(customer_user_id=user, extra_body={"last_name": "X"})
    assert e.value.field == "extra_body.last_name"
    with pytest.raises(a.ValidationError) as e:
        await profiles.get(customer_user_id=user, extra_headers={"adapty-customer-user-id": "someone-else"})
    assert e.value.field == "headers.adapty-customer-user-id"
    assert em.journal() == []


async def test_a_calls_timeout_and_retries(em: Emulator, mode: str, user: str) -> None:
    profiles = Calls(make_client(em, mode, max_retries=0).profiles)
    await profiles.create(customer_user_id=user)
    em.fault({"method": "GET", "delay_ms": 1500})
    with pytest.raises(a.APITimeoutError):
        await profiles.get(customer_user_id=user, timeout=0.3)
    em.fault({"method": "GET", "status": 503, "times": 1})
    raw = await Calls(make_client(em, mode, max_retries=0).profiles.with_raw_response).get(customer_user_id=user, max_retries=1)
    assert raw.retries == 1, "one retry, though the client allows none"


async def test_raw_response(em: Emulator, mode: str, user: str) -> None:
    client = make_client(em, mode)
    await Calls(client.profiles).create(customer_user_id=user)
    em.clear_journal()
    raw = await Calls(client.profiles.with_raw_response).get(customer_user_id=user)
    assert isinstance(raw, a.APIResponse)
    (entry,) = em.journal()
    assert (raw.status_code, raw.request_id, raw.retries) == (200, entry["request_id"], 0)
    assert raw.headers["content-type"] == "application/json"
    profile = raw.parse()
    assert isinstance(profile, a.Profile) and profile.customer_user_id == user
    nothing = await Calls(client.profiles.with_raw_response).delete(customer_user_id=user)
    assert nothing.status_code in (200, 204) and nothing.parse() is None


async def test_event_hooks_see_every_attempt(em: Emulator, mode: str, user: str) -> None:
    seen: list[dict[str, Any]] = []
    client = make_client(em, mode, event_hooks={"request": [seen.append], "response": [seen.append]})
    await Calls(client.profiles).create(customer_user_id=user)
    em.fault({"method": "GET", "status": 503, "times": 1})
    seen.clear()
    await Calls(client.with_options(timeout=5).profiles).get(customer_user_id=user)
    steps = [(e["type"], e["attempt"], e.get("status")) for e in seen]
    assert steps == [("request", 1, None), ("response", 1, 503), ("request", 2, None), ("response", 2, 200)]
    last = seen[-1]
    assert last["operation"] == "profiles.get" and last["method"] == "GET" and last["url"].startswith(em.base_url)
    assert last["request_id"] and last["elapsed_ms"] > 0 and last["error_kind"] is None and seen[1]["error_kind"] == "api"
    assert "secret" not in json.dumps(seen), "never the key"

    client.event_hooks["request"].clear()
    seen.clear()
    await Calls(client.profiles).get(customer_user_id=user)
    assert [e["type"] for e in seen] == ["response"], "hooks are read from the lists at each event"


def test_unknown_event_type_is_refused(em: Emulator) -> None:
    with pytest.raises(TypeError, match="unknown event type"):
        make_client(em, "sync", event_hooks={"requests": []})


def test_adapty_log_writes_a_line_per_attempt_to_stderr(em: Emulator, user: str) -> None:
    """`ADAPTY_LOG`, read by a new process as users set it."""
    em.fault({"method": "GET", "status": 503, "times": 1})
    program = textwrap.dedent(f"""
        import adapty_server as a
        try:
            a.Adapty({KEY!r}, base_url={em.base_url!r}).profiles.get(customer_user_id={user!r})
        except a.NotFoundError:
            pass
    """)
    out = subprocess.run(
        [sys.executable, "-c", program], env={**os.environ, "ADAPTY_LOG": "info"}, capture_output=True, text=True, timeout=60
    )
    lines = [line for line in out.stderr.splitlines() if line.startswith("adapty_server ")]
    assert len(lines) == 2, out.stderr
    assert lines[0].startswith("adapty_server WARN profiles.get GET ") and "-> 503" in lines[0] and "retrying in" in lines[0]
    assert lines[1].startswith("adapty_server ERROR profiles.get GET ") and "-> 404" in lines[1]
    assert KEY not in out.stderr
