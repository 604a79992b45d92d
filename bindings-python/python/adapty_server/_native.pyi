"""The Rust extension. Private: use `adapty_server.Adapty` / `AsyncAdapty`."""

from collections.abc import Callable
from typing import Any

CORE_VERSION: str

_Done = Callable[[Any, BaseException | None], None]

class Pending:
    def abort(self) -> None: ...

class Client:
    @property
    def base_url(self) -> str: ...
    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        api_version: str,
        timeout: float,
        connect_timeout: float,
        max_retries: int,
        python_version: str,
    ) -> None: ...
    def profile_get(self, profile_id: str | None, customer_user_id: str | None, done: _Done | None = None) -> Any: ...
    def profile_create(
        self, profile_id: str | None, customer_user_id: str | None, fields: dict[str, Any], done: _Done | None = None
    ) -> Any: ...
    def profile_update(
        self, profile_id: str | None, customer_user_id: str | None, fields: dict[str, Any], done: _Done | None = None
    ) -> Any: ...
    def profile_delete(self, profile_id: str | None, customer_user_id: str | None, done: _Done | None = None) -> Any: ...
    def profile_delete_many(
        self, refs: list[tuple[str | None, str | None]], concurrency: int, done: _Done | None = None
    ) -> Any: ...
