"""Fixtures: one emulator process per session (the real binary, on port 0) and clients on it."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import adapty_server
import pytest
from adapty_server.testing import Emulator, EmulatorProcess

KEY = "secret_python_tests_7Hq2"
# The public (Web API) and Adapty Mail keys the test clients hold beside it.
PUBLIC_KEY = "public_python_tests_Wb52"
MAIL_KEY = "secret_mail_python_tests_Ml27"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR = os.environ.get("ADAPTY_EMULATOR_BIN", os.path.join(ROOT, "target", "debug", "adapty-emulator"))


class _ReaderlessLoop(asyncio.SelectorEventLoop):
    """A loop that watches no file descriptors, as Windows' default loop (the proactor) does."""

    def add_reader(self, *args: Any) -> None:
        raise NotImplementedError


READERLESS = os.environ.get("ADAPTY_TEST_LOOP") == "readerless"
"""ADAPTY_TEST_LOOP=readerless: the tests that await the SDK, on loops without `add_reader`, as on
Windows (the suite runs once each way)."""


if READERLESS:

    def pytest_asyncio_loop_factories(
        config: pytest.Config, item: pytest.Item
    ) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
        """The async tests' loops."""
        return {"readerless": _ReaderlessLoop}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Readerless, only the tests that await the SDK's async client run (those of the blocking
    client, and plain functions, are the same either way)."""
    if not READERLESS:
        return
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        mode = callspec.params.get("mode") if callspec else None
        (keep if item.get_closest_marker("asyncio") and mode != "sync" else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """The emulator, through `adapty_server.testing` as users start it."""
    with EmulatorProcess("--api-key", KEY, binary=EMULATOR) as process:
        yield process.app(KEY)


@pytest.fixture
def em(emulator: Emulator) -> Emulator:
    """The emulator with no faults or journal left by an earlier test."""
    emulator.control("DELETE", "faults")
    emulator.clear_journal()
    return emulator


@pytest.fixture
def user() -> str:
    """A customer user id no other test uses."""
    return f"py-{uuid.uuid4().hex[:12]}"


def make_client(em: Emulator, mode: str, **options: Any) -> Any:
    options.setdefault("api_key", KEY)
    options.setdefault("public_api_key", PUBLIC_KEY)
    options.setdefault("mail_api_key", MAIL_KEY)
    options.setdefault("base_url", em.base_url)
    return adapty_server.Adapty(**options) if mode == "sync" else adapty_server.AsyncAdapty(**options)


class Calls:
    """One test body for both clients: each method call is awaited, whichever client runs it
    (`calls.purchases.set_transaction(...)` on a client, `calls.get(...)` on a namespace).
    Iterators come back as they are: read them with `collect` and `next_item`."""

    def __init__(self, target: Any) -> None:
        self.target = target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.target, name)
        if not callable(attr):
            return Calls(attr)

        async def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return call


async def collect(items: Iterator[Any] | AsyncIterator[Any]) -> list[Any]:
    """Everything a sync or async iterator yields."""
    if isinstance(items, AsyncIterator):
        return [item async for item in items]
    return list(items)


async def next_item(items: Iterator[Any] | AsyncIterator[Any]) -> Any:
    return await anext(items) if isinstance(items, AsyncIterator) else next(items)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def profiles(em: Emulator, mode: str) -> Calls:
    return Calls(make_client(em, mode).profiles)


@pytest.fixture
def make(em: Emulator, mode: str) -> Callable[..., Calls]:
    """Profiles of a client with other options, in the current mode."""
    return lambda **options: Calls(make_client(em, mode, **options).profiles)


@pytest.fixture
def api(em: Emulator, mode: str) -> Calls:
    """A whole client in the current mode: `await api.paywalls.get(...)`."""
    return Calls(make_client(em, mode))


# Inputs and readers the feature suites share.

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
USD = {"country": "US", "currency": "USD", "value": 9.99}


def subscription(**changes: Any) -> dict[str, Any]:
    """A monthly App Store subscription bought yesterday, as `set_transaction` keyword arguments."""
    bought = NOW - dt.timedelta(days=1)
    fields: dict[str, Any] = {
        "purchase_type": "subscription",
        "store": "app_store",
        "store_product_id": "premium_monthly",
        "store_transaction_id": "2000000111",
        "store_original_transaction_id": "2000000111",
        "price": USD,
        "purchased_at": bought,
        "originally_purchased_at": bought,
        "expires_at": bought + dt.timedelta(days=30),
        "renew_status": True,
    }
    return {**fields, **changes}


def one_time(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "purchase_type": "one_time_purchase",
        "store": "app_store",
        "store_product_id": "coins_100",
        "store_transaction_id": "3000000222",
        "store_original_transaction_id": "3000000222",
        "price": {"country": "DE", "currency": "EUR", "value": 1.99},
        "purchased_at": NOW - dt.timedelta(hours=1),
    }
    return {**fields, **changes}


def sent(em: Emulator) -> list[dict[str, Any]]:
    """Bodies of the requests the emulator received, as JSON."""
    return [json.loads(e["body"]) if e["body"] else None for e in em.journal()]
