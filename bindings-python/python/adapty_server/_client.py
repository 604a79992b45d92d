"""The runtime bridge under the generated clients (`_generated/operations.py`): the native client made from
the settings, a call run blocking or awaited on the running loop (with its options, or for its raw
response), page walks as iterators, event hooks, and Python values as the JSON the core reads.
Operations themselves are all in the manifest."""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import json
import sys
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import _native
from ._convert import Model
from ._generated.exceptions import UsageError
from ._tracing import call_tracer

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


EventHook = Callable[[dict[str, Any]], object]
"""Called with each request event: `type` (`request` or `response`), `operation`, `method`,
`url`, `attempt`, and on response `status`, `request_id`, `elapsed_ms`, `error_kind`."""

EVENT_TYPES = ("request", "response")


def _nothing(_: Any) -> None:
    """The result of a call that returns nothing."""


class APIResponse(Generic[_T]):
    """A call's response: `status_code`, `headers` (names in lower case), `request_id` (what
    Adapty's support asks for), `retries` (attempts before the one that succeeded), and
    `parse()`, the call's result."""

    __slots__ = ("status_code", "headers", "request_id", "retries", "_data", "_parse")

    def __init__(self, raw: dict[str, Any], parse: Callable[[Any], _T]) -> None:
        response = raw["response"]
        self.status_code: int = response["status"]
        self.headers: dict[str, str] = response["headers"]
        self.request_id: str | None = response["request_id"]
        self.retries: int = response["retries"]
        self._data = raw["data"]
        self._parse = parse

    def parse(self) -> _T:
        """The call's result, as the call itself returns it."""
        return self._parse(self._data)

    def __repr__(self) -> str:
        return f"APIResponse(status_code={self.status_code}, request_id={self.request_id!r}, retries={self.retries})"


def _dispatch(hooks: dict[str, list[EventHook]], text: str) -> None:
    """Hands one event from the core to the hooks of its type."""
    event = json.loads(text)
    for hook in hooks.get(event["type"], ()):
        hook(event)


class _ClientBase:
    """The native client both clients run on. `options` are the core's settings, None for unset."""

    def __init__(self, options: dict[str, Any], event_hooks: Mapping[str, Iterable[EventHook]] | None = None) -> None:
        native = _native.Client({**options, "language": ["python", sys.version.split()[0]]})
        self._native: _native.Client | None = native
        self._description = f"base_url={native.base_url!r}, api_version={native.api_version!r}"
        unknown = set(event_hooks or ()) - set(EVENT_TYPES)
        if unknown:
            raise TypeError(f"event_hooks: unknown event type(s) {sorted(unknown)}; the types are {list(EVENT_TYPES)}")
        self.event_hooks: dict[str, list[EventHook]] = {t: list((event_hooks or {}).get(t, ())) for t in EVENT_TYPES}
        """The hooks by event type; change the lists to add or remove one. The core tells them
        only if `event_hooks` was given when the client was made."""
        if event_hooks is not None:
            hooks = self.event_hooks
            native.listen(lambda text: _dispatch(hooks, text))

    def _client(self) -> _native.Client:
        if self._native is None:
            raise UsageError("the client is closed")
        return self._native

    def _with_options(self, options: dict[str, Any]) -> Self:
        """A copy on a native client with `options` over this one's; its namespaces are its own."""
        clone = copy.copy(self)
        clone._native = self._client().with_options(_jsonable(options))
        for name, value in vars(self).items():
            if isinstance(value, _Namespace):
                setattr(clone, name, type(value)(clone))
        return clone

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


def _call_options(options: dict[str, Any]) -> dict[str, Any] | None:
    """A call's options as the core reads them; None when none is given (the common case)."""
    return _jsonable(options) if any(v is not None for v in options.values()) else None


class _BlockingNamespace(_Namespace):
    def _run(self, op: str, args: dict[str, Any], options: dict[str, Any], parse: Callable[[Any], _T]) -> _T:
        """The result of the core's operation `op`, read by `parse`; the GIL released while it runs."""
        return parse(self._owner._client().call(op, args, _call_options(options), False, None, None, call_tracer()))

    def _walk(self, op: str, args: dict[str, Any], item: Callable[[Any], _T]) -> Iterator[_T]:
        """Every item of every page of the list `op` starts, each page fetched as the iteration
        reaches it (the core's walk keeps the cursors and stops on a repeated one)."""
        walk = self._owner._client().walk(op, args)
        while (items := walk.next(None, None, call_tracer())) is not None:
            yield from map(item, items)


class _BlockingRawNamespace(_Namespace):
    def _run(self, op: str, args: dict[str, Any], options: dict[str, Any], parse: Callable[[Any], _T]) -> APIResponse[_T]:
        """`_BlockingNamespace._run`, returning the response with the result."""
        return APIResponse(self._owner._client().call(op, args, _call_options(options), True, None, None, call_tracer()), parse)


class _AsyncNamespace(_Namespace):
    async def _run(self, op: str, args: dict[str, Any], options: dict[str, Any], parse: Callable[[Any], _T]) -> _T:
        """`_BlockingNamespace._run`, awaited on the running loop."""
        native, call_options, trace = self._owner._client(), _call_options(options), call_tracer()
        return parse(
            await _await(lambda completions, future: native.call(op, args, call_options, False, completions, future, trace))
        )

    async def _walk(self, op: str, args: dict[str, Any], item: Callable[[Any], _T]) -> AsyncIterator[_T]:
        """`_BlockingNamespace._walk` as an async iterator."""
        walk = self._owner._client().walk(op, args)
        while (items := await _await(functools.partial(walk.next, trace=call_tracer()))) is not None:
            for x in items:
                yield item(x)


class _AsyncRawNamespace(_Namespace):
    async def _run(self, op: str, args: dict[str, Any], options: dict[str, Any], parse: Callable[[Any], _T]) -> APIResponse[_T]:
        """`_AsyncNamespace._run`, returning the response with the result."""
        native, call_options, trace = self._owner._client(), _call_options(options), call_tracer()
        return APIResponse(
            await _await(lambda completions, future: native.call(op, args, call_options, True, completions, future, trace)), parse
        )


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
    when their pipe becomes readable (one wake-up for however many arrived meanwhile); a loop
    that watches no file descriptors (Windows' default, the proactor) is woken through its
    `call_soon_threadsafe` instead."""
    completions = _by_loop.get(loop)
    if completions is None:
        try:
            completions = _native.Completions()
            loop.add_reader(completions.fileno(), completions.drain)
        except (NotImplementedError, OSError):
            # The proactor has no add_reader; Windows' selector loop refuses a pipe (OSError).
            completions = _native.Completions(_call_soon_threadsafe(weakref.ref(loop)))
        _by_loop[loop] = completions
    return completions


def _call_soon_threadsafe(loop: weakref.ref[asyncio.AbstractEventLoop]) -> Callable[[Callable[[], None]], None]:
    """`loop.call_soon_threadsafe`, holding the loop weakly: `_by_loop`'s entry for a loop must
    not keep it alive. A closed loop raises; the core ignores it (nobody awaits there any more)."""

    def call(callback: Callable[[], None]) -> None:
        alive = loop()
        if alive is not None:
            alive.call_soon_threadsafe(callback)

    return call
