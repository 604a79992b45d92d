"""The shared cases of tests/vectors/profiles.json, through both clients."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

import adapty_server as a
from conftest import KEY, ROOT, Calls, Emulator, make_client

CASES = json.load(open(os.path.join(ROOT, "tests", "vectors", "profiles.json")))["cases"]


def outcome(error: BaseException | None) -> Any:
    if error is None:
        return "ok"
    if isinstance(error, a.ValidationError):
        return {"validation_error": {"field": error.field, "rule": error.rule}}
    if isinstance(error, a.APIStatusError):
        return {"status": error.status_code, "error_code": error.error_code}
    return {"unexpected": repr(error)}


def same(x: Any, y: Any) -> bool:
    """JSON equality where numbers compare by value."""
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(same(i, j) for i, j in zip(x, y))
    return x == y and type(x) is not bool or x is y


async def run(calls: Calls, case: dict[str, Any]) -> Any:
    given = dict(case["input"])
    ids = {k: given[k] for k in ("profile_id", "customer_user_id") if k in given}
    op = case["operation"]
    if op == "delete_many":
        results = await calls.delete_many(given["refs"], concurrency=given["concurrency"])
        return {"results": [outcome(r.error) for r in results]}
    try:
        if op in ("create", "update"):
            await getattr(calls, op)(**ids, **given.get("params", {}))
        else:
            await getattr(calls, op)(**ids)
    except a.AdaptyError as e:
        return outcome(e)
    return "ok"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
async def test_vector(case: dict[str, Any], em: Emulator, mode: str) -> None:
    em.reset()
    if "given_profiles" in case:
        em.seed(case["given_profiles"])
        em.clear_journal()
    calls = Calls(make_client(em, mode, api_version=case["api_version"], max_retries=0, api_key=KEY))
    got = await run(calls, case)
    expect = case["expect"]
    sent = em.journal()
    if "validation_error" in expect:
        assert got == {"validation_error": expect["validation_error"]}
        assert sent == []
    elif "results" in expect:
        assert got == expect
    else:
        assert got == expect["outcome"]
        [entry] = sent
        request = expect["request"]
        assert (entry["method"], entry["path"]) == (request["method"], request["path"])
        for name, value in request["headers"].items():
            assert entry["headers"].get(name) == value, name
        for name in request["absent_headers"]:
            assert name not in entry["headers"], name
        body = json.loads(entry["body"]) if entry["body"] else None
        assert same(body, request["body"]), (body, request["body"])
