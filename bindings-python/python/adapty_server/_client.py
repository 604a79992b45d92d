"""`Adapty` and `AsyncAdapty`: the same operations, blocking and async, on the Rust core."""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from . import _native
from ._convert import Model
from ._exceptions import AdaptyError, _from_core
from ._models import PROFILE_FIELDS, Profile, ProfileFields

if TYPE_CHECKING:
    import asyncio

    from typing_extensions import Self, Unpack

__all__ = ["Adapty", "AsyncAdapty", "Profiles", "AsyncProfiles", "ProfileRef", "DeleteResult", "ApiVersion"]

ApiVersion = Literal["v1", "v2"]
"""`v2`: `/api/v2/server-side-api/profile/` (current). `v1`: the founding document's `/api/v1/server-side-api/profiles/`."""

DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2


class ProfileRef(TypedDict, total=False):
    """Names one profile in `delete_many`: give exactly one of the two keys."""

    profile_id: str
    customer_user_id: str


class DeleteResult:
    """The outcome of one input of `delete_many`: its `ref`, and its `error` if it failed."""

    __slots__ = ("ref", "error")

    def __init__(self, ref: ProfileRef, error: AdaptyError | None = None) -> None:
        self.ref = ref
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        return f"DeleteResult(ref={self.ref!r}, error={self.error!r})"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()  # type: ignore[attr-defined]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping) and not isinstance(value, dict):
        return dict(value)
    return value


def _fields(method: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(fields.keys() - PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"{method}() got an unexpected keyword argument {unknown[0]!r}")
    return {key: _jsonable(value) for key, value in fields.items()}


def _ids(profile_id: str | None, customer_user_id: str | None, **more: Any) -> dict[str, Any]:
    return {"profile_id": profile_id, "customer_user_id": customer_user_id, **more}


def _results(refs: list[ProfileRef], errors: list[dict[str, Any] | None]) -> list[DeleteResult]:
    return [DeleteResult(ref, None if e is None else _from_core(e)) for ref, e in zip(refs, errors)]


class _ClientBase:
    """Settings shared by both clients. `api_key` falls back to `ADAPTY_API_KEY`, `base_url` to
    `ADAPTY_BASE_URL` and then `https://api.adapty.io`. `timeout` (seconds) bounds each attempt;
    `max_retries` retries connection errors, timeouts, 408, 429 and 5xx with backoff, honouring
    `Retry-After`."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        api_version: ApiVersion = "v2",
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        options = {
            "api_key": api_key,
            "base_url": base_url,
            "api_version": api_version,
            "timeout": timeout,
            "connect_timeout": connect_timeout,
            "max_retries": max_retries,
            "language": ["python", sys.version.split()[0]],
        }
        self._native: _native.Client | None = _native.Client(options)
        self._description = f"base_url={self._native.base_url!r}, api_version={api_version!r}"
        self._attach()

    def _attach(self) -> None:
        raise NotImplementedError

    def _client(self) -> _native.Client:
        if self._native is None:
            raise AdaptyError("the client is closed")
        return self._native

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._description})"


class Adapty(_ClientBase):
    """The blocking client. Safe to share between threads; requests release the GIL."""

    profiles: Profiles

    def _attach(self) -> None:
        self.profiles = Profiles(self)

    def close(self) -> None:
        """Ends the client; later calls raise. Connections are shared process-wide and stay pooled."""
        self._native = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAdapty(_ClientBase):
    """The asyncio client: the same methods as `Adapty`, as coroutines. Works on whatever loop
    is running, so one client serves several `asyncio.run` calls."""

    profiles: AsyncProfiles

    def _attach(self) -> None:
        self.profiles = AsyncProfiles(self)

    async def close(self) -> None:
        """Ends the client; later calls raise."""
        self._native = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()


class Profiles:
    """The Profile API, blocking. Address a profile with `profile_id=` (Adapty's id) or
    `customer_user_id=` (yours)."""

    def __init__(self, client: Adapty) -> None:
        self._owner = client

    def _call(self, op: str, args: dict[str, Any]) -> Any:
        return self._owner._client().call(op, args)

    def get(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> Profile:
        return Profile.from_dict(self._call("profiles.get", _ids(profile_id, customer_user_id)))

    def create(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[ProfileFields]) -> Profile:
        """Creates a profile; with both ids, attaches `customer_user_id` to the existing `profile_id`."""
        args = _ids(profile_id, customer_user_id, fields=_fields("create", fields))
        return Profile.from_dict(self._call("profiles.create", args))

    def update(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[ProfileFields]) -> Profile:
        """Changes the fields given; leaves the others. `None` clears a field (deletes a custom attribute)."""
        args = _ids(profile_id, customer_user_id, fields=_fields("update", fields))
        return Profile.from_dict(self._call("profiles.update", args))

    def delete(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> None:
        self._call("profiles.delete", _ids(profile_id, customer_user_id))

    def delete_many(self, refs: Iterable[ProfileRef], *, concurrency: int = 16) -> list[DeleteResult]:
        """Deletes many profiles, `concurrency` at a time; one result per input, in order."""
        kept = list(refs)
        return _results(kept, self._call("profiles.deleteMany", {"refs": kept, "concurrency": concurrency}))


class AsyncProfiles:
    """The Profile API as coroutines; see `Profiles`."""

    def __init__(self, client: AsyncAdapty) -> None:
        self._owner = client

    async def _call(self, op: str, args: dict[str, Any]) -> Any:
        native = self._owner._client()
        return await _await(lambda done: native.call(op, args, done))

    async def get(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> Profile:
        return Profile.from_dict(await self._call("profiles.get", _ids(profile_id, customer_user_id)))

    async def create(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[ProfileFields]) -> Profile:
        args = _ids(profile_id, customer_user_id, fields=_fields("create", fields))
        return Profile.from_dict(await self._call("profiles.create", args))

    async def update(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[ProfileFields]) -> Profile:
        args = _ids(profile_id, customer_user_id, fields=_fields("update", fields))
        return Profile.from_dict(await self._call("profiles.update", args))

    async def delete(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> None:
        await self._call("profiles.delete", _ids(profile_id, customer_user_id))

    async def delete_many(self, refs: Iterable[ProfileRef], *, concurrency: int = 16) -> list[DeleteResult]:
        kept = list(refs)
        return _results(kept, await self._call("profiles.deleteMany", {"refs": kept, "concurrency": concurrency}))


_Done = Callable[[Any, "BaseException | None"], None]


async def _await(start: Callable[[_Done], _native.Pending]) -> Any:
    """Starts a native call that reports to `done` from a runtime thread, and awaits it on the
    running loop. Cancelling the await aborts the request."""
    import asyncio  # here, not at import: asyncio alone costs more than the whole package

    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def done(result: Any, error: BaseException | None) -> None:
        try:
            loop.call_soon_threadsafe(_settle, future, result, error)
        except RuntimeError:
            pass  # the loop is closed: nobody is waiting any more

    pending = start(done)
    try:
        return await future
    except asyncio.CancelledError:
        pending.abort()
        raise


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
