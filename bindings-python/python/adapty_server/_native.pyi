"""The Rust extension. Private: use `adapty_server.Adapty` / `AsyncAdapty`."""

import asyncio
from collections.abc import Callable
from typing import Any

from ._tracing import CallTracer

CORE_VERSION: str

class Completions:
    def __init__(self, call_soon_threadsafe: Callable[[Callable[[], None]], object] | None = None) -> None: ...
    def fileno(self) -> int: ...
    def drain(self) -> None: ...

class Pending:
    def abort(self) -> None: ...

class Walk:
    def next(
        self, completions: Completions | None = None, future: asyncio.Future[Any] | None = None, trace: CallTracer | None = None
    ) -> Any: ...

class Client:
    @property
    def base_url(self) -> str: ...
    @property
    def api_version(self) -> str: ...
    def __init__(self, options: dict[str, Any]) -> None: ...
    def call(
        self,
        op: str,
        args: dict[str, Any],
        options: dict[str, Any] | None = None,
        raw: bool = False,
        completions: Completions | None = None,
        future: asyncio.Future[Any] | None = None,
        trace: CallTracer | None = None,
    ) -> Any: ...
    def with_options(self, options: dict[str, Any]) -> Client: ...
    def listen(self, callback: Callable[[str], None]) -> None: ...
    def walk(self, op: str, args: dict[str, Any]) -> Walk: ...

def webhook_event(
    body: bytes, authorization: str | None, secret: str | None, event_names: dict[str, str] | None = None
) -> dict[str, Any]: ...
def has_active_access(access_levels: str, access_level_id: str, at: str | None = None) -> bool: ...
