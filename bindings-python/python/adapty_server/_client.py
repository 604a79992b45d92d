"""The runtime bridge under the generated clients (`_generated/operations.py`): the native client made from
the settings, a call run blocking or awaited on the running loop, page walks as iterators, and
Python values as the JSON the core reads. Operations themselves are all in the manifest."""

from __future__ import annotations

import datetime as _dt
import sys
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from . import _native
from ._convert import Model
from ._generated.exceptions import UsageError

if TYPE_CHECKING:
    import asyncio

    from typing_extensions import Self

_T = TypeVar("_T")


def _jsonable(value: Any) -> Any:
    """A Python value as the JSON the core reads: models as their dicts, dates as ISO 8601 text,
    at any depth (a list of `RemoteConfig`, an offer inside a transaction). None stays: in a
    profile's fields it clears one."""
    if isinstance(value, Model):
        return value.to_dict()  # type: ignore[attr-defined]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_jsonable(item) for item in value]
    return value


class _ClientBase:
    """The native client both clients run on. `options` are the core's settings, None for unset."""

    def __init__(self, options: dict[str, Any]) -> None:
        native = _native.Client({**options, "language": ["python", sys.version.split()[0]]})
        self._native: _native.Client | None = native
        self._description = f"base_url={native.base_url!r}, api_version={native.api_version!r}"

    def _client(self) -> _native.Client:
        if self._native is None:
            raise UsageError("the client is closed")
        return self._native

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._description})"


class _BlockingClient(_ClientBase):
    def close(self) -> None:
        """Ends the client; later calls raise. Connections are shared process-wide and stay pooled."""
        self._native = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _AsyncClient(_ClientBase):
    async def close(self) -> None:
        """Ends the client; later calls raise."""
        self._native = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()


class _Namespace:
    def __init__(self, client: _ClientBase) -> None:
        self._owner = client


class _BlockingNamespace(_Namespace):
    def _run(self, op: str, args: dict[str, Any]) -> Any:
        """The JSON result of the core's operation `op`, the GIL released while it runs."""
        return self._owner._client().call(op, args)

    def _walk(self, op: str, args: dict[str, Any], item: Callable[[Any], _T]) -> Iterator[_T]:
        """Every item of every page of the list `op` starts, each page fetched as the iteration
        reaches it (the core's walk keeps the cursors and stops on a repeated one)."""
        walk = self._owner._client().walk(op, args)
        while (items := walk.next()) is not None:
            yield from map(item, items)


class _AsyncNamespace(_Namespace):
    async def _run(self, op: str, args: dict[str, Any]) -> Any:
        """`_BlockingNamespace._run`, awaited on the running loop."""
        native = self._owner._client()
        return await _await(lambda completions, future: native.call(op, args, completions, future))

    async def _walk(self, op: str, args: dict[str, Any], item: Callable[[Any], _T]) -> AsyncIterator[_T]:
        """`_BlockingNamespace._walk` as an async iterator."""
        walk = self._owner._client().walk(op, args)
        while (items := await _await(walk.next)) is not None:
            for x in items:
                yield item(x)


_Start = Callable[[_native.Completions, "asyncio.Future[Any]"], _native.Pending]


async def _await(start: _Start) -> Any:
    """Starts a native call that settles a future of the running loop, and awaits it. Cancelling
    the await aborts the request."""
    import asyncio  # here, not at import: asyncio alone costs more than the whole package

    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    pending = start(_completions(loop), future)
    try:
        return await future
    except asyncio.CancelledError:
        pending.abort()
        raise


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _native.Completions] = weakref.WeakKeyDictionary()


def _completions(loop: asyncio.AbstractEventLoop) -> _native.Completions:
    """The loop's completions: outcomes of its native calls queue there, and the loop drains them
    when their pipe becomes readable (one wake-up for however many arrived meanwhile)."""
    completions = _by_loop.get(loop)
    if completions is None:
        completions = _native.Completions()
        loop.add_reader(completions.fileno(), completions.drain)
        _by_loop[loop] = completions
    return completions
