"""The shared cases of tests/vectors/ (profiles.json, operations.json: one format, described in
each file's `description`), through both clients."""

from __future__ import annotations

import inspect
import json
import os
import re
import urllib.parse
from typing import Any

import adapty_server as a
import pytest
from conftest import KEY, ROOT, Emulator, make_client


def cases(name: str) -> list[dict[str, Any]]:
    with open(os.path.join(ROOT, "tests", "vectors", name)) as f:
        return json.load(f)["cases"]  # type: ignore[no-any-return]


CASES = [(file, case) for file in ("profiles.json", "operations.json") for case in cases(file)]


def outcome(error: BaseException | None) -> Any:
    if error is None:
        return "ok"
    if isinstance(error, a.ValidationError):
        return {"validation_error": {"field": error.field, "rule": error.rule, "error_code": error.error_code}}
    if isinstance(error, a.APIStatusError):
        return {"status": error.status_code, "error_code": error.error_code}
    return {"unexpected": repr(error)}


def same(x: Any, y: Any) -> bool:
    """JSON equality where numbers compare by value."""
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(same(i, j) for i, j in zip(x, y, strict=True))
    return x == y and type(x) is not bool or x is y


def method_of(client: Any, operation: str) -> Any:
    """The Python method of a core operation: `accessLevels.grant` is `client.access_levels.grant`."""
    namespace, name = (re.sub("([A-Z])", r"_\1", part).lower() for part in operation.split("."))
    return getattr(getattr(client, namespace), name)


async def run_operation(client: Any, case: dict[str, Any]) -> Any:
    """The operation with its input as keyword arguments: the arguments beside `fields`, and the
    keys of `fields` (the request body) themselves. A required parameter left out (the path's)
    is refused by Python itself (TypeError), before any request: the same outcome as the core's
    `required`, which a required body key left out gets from the core."""
    given = dict(case["input"])
    kwargs = {**{k: v for k, v in given.items() if k != "fields"}, **given.get("fields", {})}
    method = method_of(client, case["operation"])
    missing = [
        name
        for name, p in inspect.signature(method).parameters.items()
        if p.default is p.empty and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and name not in kwargs
    ]
    if missing:
        return {"validation_error": {"field": missing[0], "rule": "required", "error_code": None}}
    try:
        result = method(**kwargs)
        if inspect.isawaitable(result):
            result = await result
    except a.AdaptyError as e:
        return outcome(e)
    if isinstance(result, list) and all(isinstance(r, a.DeleteResult) for r in result):
        return {"results": [outcome(r.error) for r in result]}  # one outcome per input
    return "ok"


def matches(got: Any, want: Any) -> bool:
    """`got` is the outcome `want` describes; a validation error is compared on the keys given
    (`field` and `rule`, and `error_code` when a case names it)."""
    if isinstance(want, dict) and "validation_error" in want:
        wanted = want["validation_error"]
        return isinstance(got, dict) and {k: got.get("validation_error", {}).get(k) for k in wanted} == wanted
    return bool(got == want)


def check(got: Any, expect: dict[str, Any], sent: list[dict[str, Any]]) -> None:
    if "validation_error" in expect:
        assert matches(got, {"validation_error": expect["validation_error"]}), got
        assert sent == []
    elif "results" in expect:
        assert len(got["results"]) == len(expect["results"])
        assert all(matches(g, w) for g, w in zip(got["results"], expect["results"], strict=True)), got
    else:
        if isinstance(got, dict) and "results" in got and all(r == "ok" for r in got["results"]):
            got = "ok"  # one result per input: "ok" when every input succeeded
        assert got == expect["outcome"]
        [entry] = sent
        request = expect["request"]
        assert (entry["method"], entry["path"]) == (request["method"], request["path"])
        query = dict(urllib.parse.parse_qsl(entry.get("query") or ""))
        for name, value in request.get("query", {}).items():
            assert query.get(name) == value, (name, query)
        for name, value in request["headers"].items():
            assert entry["headers"].get(name) == value, name
        for name in request["absent_headers"]:
            assert name not in entry["headers"], name
        body = json.loads(entry["body"]) if entry["body"] else None
        assert same(body, request["body"]), (body, request["body"])


def prepare(em: Emulator, case: dict[str, Any]) -> None:
    em.reset()
    if "given_config" in case:
        em.configure(case["given_config"])
    if "given_profiles" in case:
        em.seed(case["given_profiles"])
    em.clear_journal()


@pytest.mark.parametrize(("file", "case"), CASES, ids=[f"{file}: {c['name']}" for file, c in CASES])
async def test_vector(file: str, case: dict[str, Any], em: Emulator, mode: str) -> None:
    prepare(em, case)
    client = make_client(em, mode, api_version=case.get("api_version", "v2"), max_retries=0, api_key=KEY)
    try:
        check(await run_operation(client, case), case["expect"], em.journal())
    finally:
        em.reset()  # a case's profiles and config (a feature turned off) are not the next test's
