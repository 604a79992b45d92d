"""The Rust extension. Private: use `adapty_server.Adapty` / `AsyncAdapty`."""

from collections.abc import Callable
from typing import Any

CORE_VERSION: str

_Done = Callable[[Any, BaseException | None], None]

class Pending:
    def abort(self) -> None: ...

class Walk:
    def next(self, done: _Done | None = None) -> Any: ...

class Client:
    @property
    def base_url(self) -> str: ...
    def __init__(self, options: dict[str, Any]) -> None: ...
    def call(self, op: str, args: dict[str, Any], done: _Done | None = None) -> Any: ...
    def walk(self, op: str, args: dict[str, Any]) -> Walk: ...
