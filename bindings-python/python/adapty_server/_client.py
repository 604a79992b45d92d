"""`Adapty` and `AsyncAdapty`: the same operations, blocking and async, on the Rust core."""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypedDict, TypeVar

from . import _native
from ._convert import Model
from ._exceptions import AdaptyError, _from_core
from ._models import (
    IntegrationIdentifiers,
    IntegrationIdentifiersDict,
    Paywall,
    PaywallPage,
    Profile,
    ProfileFields,
    RefundPreference,
    RefundSaverSettings,
    RemoteConfig,
    RemoteConfigDict,
    TransactionParams,
    VirtualCurrencyBalances,
    VirtualCurrencyItem,
    VirtualCurrencyTransaction,
    VirtualCurrencyTransactionPage,
    VirtualCurrencyTransactionResult,
)

if TYPE_CHECKING:
    import asyncio

    from typing_extensions import Self, Unpack

__all__ = [
    "Adapty",
    "AsyncAdapty",
    "Profiles",
    "AsyncProfiles",
    "Purchases",
    "AsyncPurchases",
    "AccessLevels",
    "AsyncAccessLevels",
    "RefundSaver",
    "AsyncRefundSaver",
    "Integrations",
    "AsyncIntegrations",
    "Paywalls",
    "AsyncPaywalls",
    "VirtualCurrency",
    "AsyncVirtualCurrency",
    "ProfileRef",
    "DeleteResult",
    "ApiVersion",
]

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
    """A Python value as the JSON the core reads: models as their dicts, dates as ISO 8601 text,
    at any depth (a list of `RemoteConfig`, an offer inside a transaction)."""
    if isinstance(value, Model):
        return value.to_dict()  # type: ignore[attr-defined]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_jsonable(item) for item in value]
    return value


_PROFILE_KEYS = ProfileFields.__required_keys__ | ProfileFields.__optional_keys__


def _fields(method: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Profile fields as JSON (None kept: it clears), refusing unknown keys the way Python refuses
    a keyword argument."""
    unknown = sorted(fields.keys() - _PROFILE_KEYS)
    if unknown:
        raise TypeError(f"{method}() got an unexpected keyword argument {unknown[0]!r}")
    return {key: _jsonable(value) for key, value in fields.items()}


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that are not None, as JSON: an omitted optional argument is not sent."""
    return {key: _jsonable(value) for key, value in values.items() if value is not None}


def _ids(profile_id: str | None, customer_user_id: str | None, **more: Any) -> dict[str, Any]:
    return {"profile_id": profile_id, "customer_user_id": customer_user_id, **more}


def _results(refs: list[ProfileRef], errors: list[dict[str, Any] | None]) -> list[DeleteResult]:
    return [DeleteResult(ref, None if e is None else _from_core(e)) for ref, e in zip(refs, errors)]


def _nothing(_: Any) -> None:
    return None


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
    purchases: Purchases
    access_levels: AccessLevels
    refund_saver: RefundSaver
    integrations: Integrations
    paywalls: Paywalls
    virtual_currency: VirtualCurrency

    def _attach(self) -> None:
        self.profiles = Profiles(self)
        self.purchases = Purchases(self)
        self.access_levels = AccessLevels(self)
        self.refund_saver = RefundSaver(self)
        self.integrations = Integrations(self)
        self.paywalls = Paywalls(self)
        self.virtual_currency = VirtualCurrency(self)

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
    purchases: AsyncPurchases
    access_levels: AsyncAccessLevels
    refund_saver: AsyncRefundSaver
    integrations: AsyncIntegrations
    paywalls: AsyncPaywalls
    virtual_currency: AsyncVirtualCurrency

    def _attach(self) -> None:
        self.profiles = AsyncProfiles(self)
        self.purchases = AsyncPurchases(self)
        self.access_levels = AsyncAccessLevels(self)
        self.refund_saver = AsyncRefundSaver(self)
        self.integrations = AsyncIntegrations(self)
        self.paywalls = AsyncPaywalls(self)
        self.virtual_currency = AsyncVirtualCurrency(self)

    async def close(self) -> None:
        """Ends the client; later calls raise."""
        self._native = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()


# Each operation is built once, as a `_Call` (its name, JSON arguments and result decoder), by the
# functions below; the blocking and async namespaces only run it.

_T = TypeVar("_T")


class _Call(Generic[_T]):
    """One operation ready for the core: its name, its arguments as JSON, and how to read its
    result. Building it raises for wrong Python arguments, before any I/O."""

    __slots__ = ("op", "args", "decode")

    def __init__(self, op: str, args: dict[str, Any], decode: Callable[[Any], _T]) -> None:
        self.op = op
        self.args = args
        self.decode = decode


def _profile_get(profile_id: str | None, customer_user_id: str | None) -> _Call[Profile]:
    return _Call("profiles.get", _ids(profile_id, customer_user_id), Profile.from_dict)


def _profile_write(op: str, profile_id: str | None, customer_user_id: str | None, fields: Mapping[str, Any]) -> _Call[Profile]:
    method = op.split(".")[1]
    return _Call(op, _ids(profile_id, customer_user_id, fields=_fields(method, fields)), Profile.from_dict)


def _profile_delete(profile_id: str | None, customer_user_id: str | None) -> _Call[None]:
    return _Call("profiles.delete", _ids(profile_id, customer_user_id), _nothing)


def _profile_delete_many(refs: Iterable[ProfileRef], concurrency: int) -> _Call[list[DeleteResult]]:
    kept = list(refs)
    return _Call("profiles.deleteMany", {"refs": kept, "concurrency": concurrency}, lambda errors: _results(kept, errors))


def _set_transaction(profile_id: str | None, customer_user_id: str | None, fields: Mapping[str, Any]) -> _Call[Profile]:
    # Unknown keys are refused by the core, naming them (as `ValidationTypeError`, a TypeError).
    return _Call("purchases.setTransaction", _ids(profile_id, customer_user_id, fields=_jsonable(fields)), Profile.from_dict)


def _validate_stripe(customer_user_id: str, stripe_token: str) -> _Call[None]:
    return _Call("purchases.validateStripe", {"fields": {"customer_user_id": customer_user_id, "stripe_token": stripe_token}}, _nothing)


def _validate_paddle(customer_user_id: str, paddle_token: str) -> _Call[Profile]:
    args = {"fields": {"customer_user_id": customer_user_id, "paddle_token": paddle_token}}
    return _Call("purchases.validatePaddle", args, Profile.from_dict)


_When = _dt.datetime | str | None


def _grant(
    profile_id: str | None, customer_user_id: str | None, access_level_id: str, starts_at: _When, expires_at: _When
) -> _Call[Profile]:
    fields = _given({"access_level_id": access_level_id, "starts_at": starts_at, "expires_at": expires_at})
    return _Call("accessLevels.grant", _ids(profile_id, customer_user_id, fields=fields), Profile.from_dict)


def _revoke(profile_id: str | None, customer_user_id: str | None, access_level_id: str, revoke_at: _When) -> _Call[Profile]:
    fields = _given({"access_level_id": access_level_id, "revoke_at": revoke_at})
    return _Call("accessLevels.revoke", _ids(profile_id, customer_user_id, fields=fields), Profile.from_dict)


def _refund_saver_get(profile_id: str | None, customer_user_id: str | None) -> _Call[RefundSaverSettings]:
    return _Call("refundSaver.get", _ids(profile_id, customer_user_id), RefundSaverSettings.from_dict)


def _refund_saver_set(
    profile_id: str | None, customer_user_id: str | None, custom_preference: RefundPreference | None, consent: bool | None
) -> _Call[RefundSaverSettings]:
    fields = _given({"custom_preference": custom_preference, "consent": consent})
    return _Call("refundSaver.set", _ids(profile_id, customer_user_id, fields=fields), RefundSaverSettings.from_dict)


def _integrations_get(profile_id: str | None, customer_user_id: str | None) -> _Call[IntegrationIdentifiers]:
    return _Call("integrations.get", _ids(profile_id, customer_user_id), IntegrationIdentifiers.from_dict)


def _integrations_set(profile_id: str | None, customer_user_id: str | None, identifiers: Mapping[str, Any]) -> _Call[None]:
    return _Call("integrations.set", _ids(profile_id, customer_user_id, fields=_jsonable(identifiers)), _nothing)


def _paywalls_list(page: int | None, page_size: int, cursor: str | None) -> _Call[PaywallPage]:
    return _Call("paywalls.list", _given({"page": page, "page_size": page_size, "cursor": cursor}), PaywallPage.from_dict)


def _paywalls_get(paywall_id: str) -> _Call[Paywall]:
    return _Call("paywalls.get", {"paywall_id": paywall_id}, Paywall.from_dict)


def _paywalls_update(paywall_id: str, remote_configs: Sequence[RemoteConfig | RemoteConfigDict]) -> _Call[Paywall]:
    args = {"paywall_id": paywall_id, "fields": {"remote_configs": _jsonable(remote_configs)}}
    return _Call("paywalls.update", args, Paywall.from_dict)


def _vc_create(
    profile_id: str | None,
    customer_user_id: str | None,
    items: Sequence[VirtualCurrencyItem],
    metadata: Mapping[str, str] | None,
    idempotency_key: str | None,
) -> _Call[VirtualCurrencyTransactionResult]:
    fields = _given({"items": items, "metadata": metadata})
    args = _ids(profile_id, customer_user_id, fields=fields, **_given({"idempotency_key": idempotency_key}))
    return _Call("virtualCurrency.createTransaction", args, VirtualCurrencyTransactionResult.from_dict)


def _vc_list(
    profile_id: str | None, customer_user_id: str | None, currency_code: str | None, limit: int | None, cursor: str | None
) -> _Call[VirtualCurrencyTransactionPage]:
    args = _ids(profile_id, customer_user_id, **_given({"currency_code": currency_code, "limit": limit, "cursor": cursor}))
    return _Call("virtualCurrency.listTransactions", args, VirtualCurrencyTransactionPage.from_dict)


def _vc_balances(profile_id: str | None, customer_user_id: str | None) -> _Call[VirtualCurrencyBalances]:
    return _Call("virtualCurrency.balances", _ids(profile_id, customer_user_id), VirtualCurrencyBalances.from_dict)


class _Namespace:
    def __init__(self, client: _ClientBase) -> None:
        self._owner = client


class _Blocking(_Namespace):
    def _run(self, call: _Call[_T]) -> _T:
        return call.decode(self._owner._client().call(call.op, call.args))

    def _walk(self, first: _Call[Any], item: Callable[[Any], _T]) -> Iterator[_T]:
        """Every item of every page of the list `first` starts, each page fetched as the
        iteration reaches it (the core's walk keeps the cursors and stops on a repeated one)."""
        walk = self._owner._client().walk(first.op, first.args)
        while (items := walk.next()) is not None:
            yield from map(item, items)


class _Async(_Namespace):
    async def _run(self, call: _Call[_T]) -> _T:
        native = self._owner._client()
        return call.decode(await _await(lambda done: native.call(call.op, call.args, done)))

    async def _walk(self, first: _Call[Any], item: Callable[[Any], _T]) -> AsyncIterator[_T]:
        """`_Blocking._walk` as an async iterator."""
        walk = self._owner._client().walk(first.op, first.args)
        while (items := await _await(walk.next)) is not None:
            for x in items:
                yield item(x)


class Profiles(_Blocking):
    """The Profile API, blocking. Address a profile with `profile_id=` (Adapty's id) or
    `customer_user_id=` (yours)."""

    def get(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> Profile:
        return self._run(_profile_get(profile_id, customer_user_id))

    def create(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[ProfileFields]) -> Profile:
        """Creates a profile; with both ids, attaches `customer_user_id` to the existing `profile_id`."""
        return self._run(_profile_write("profiles.create", profile_id, customer_user_id, fields))

    def update(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[ProfileFields]) -> Profile:
        """Changes the fields given; leaves the others. `None` clears a field (deletes a custom attribute)."""
        return self._run(_profile_write("profiles.update", profile_id, customer_user_id, fields))

    def delete(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> None:
        self._run(_profile_delete(profile_id, customer_user_id))

    def delete_many(self, refs: Iterable[ProfileRef], *, concurrency: int = 16) -> list[DeleteResult]:
        """Deletes many profiles, `concurrency` at a time; one result per input, in order."""
        return self._run(_profile_delete_many(refs, concurrency))


class AsyncProfiles(_Async):
    """The Profile API as coroutines; see `Profiles`."""

    async def get(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> Profile:
        return await self._run(_profile_get(profile_id, customer_user_id))

    async def create(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[ProfileFields]) -> Profile:
        return await self._run(_profile_write("profiles.create", profile_id, customer_user_id, fields))

    async def update(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[ProfileFields]) -> Profile:
        return await self._run(_profile_write("profiles.update", profile_id, customer_user_id, fields))

    async def delete(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> None:
        await self._run(_profile_delete(profile_id, customer_user_id))

    async def delete_many(self, refs: Iterable[ProfileRef], *, concurrency: int = 16) -> list[DeleteResult]:
        return await self._run(_profile_delete_many(refs, concurrency))


class Purchases(_Blocking):
    """Recording purchases from stores Adapty does not see (custom stores, your own backend), and
    importing Stripe and Paddle purchases."""

    def set_transaction(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[TransactionParams]) -> Profile:
        """Records one purchase (see `TransactionParams`); the rules between its fields are checked
        before sending. Returns the profile with the access it grants."""
        return self._run(_set_transaction(profile_id, customer_user_id, fields))

    def validate_stripe(self, *, customer_user_id: str, stripe_token: str) -> None:
        """Imports a Stripe subscription (`sub_...`) or payment intent (`pi_...`), creating the
        profile if needed."""
        self._run(_validate_stripe(customer_user_id, stripe_token))

    def validate_paddle(self, *, customer_user_id: str, paddle_token: str) -> Profile:
        """Imports a Paddle transaction (`txn_...`) or subscription (`sub_...`), creating the profile
        if needed."""
        return self._run(_validate_paddle(customer_user_id, paddle_token))


class AsyncPurchases(_Async):
    """`Purchases` as coroutines."""

    async def set_transaction(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **fields: Unpack[TransactionParams]) -> Profile:
        return await self._run(_set_transaction(profile_id, customer_user_id, fields))

    async def validate_stripe(self, *, customer_user_id: str, stripe_token: str) -> None:
        await self._run(_validate_stripe(customer_user_id, stripe_token))

    async def validate_paddle(self, *, customer_user_id: str, paddle_token: str) -> Profile:
        return await self._run(_validate_paddle(customer_user_id, paddle_token))


class AccessLevels(_Blocking):
    """Access levels given or taken without a transaction (support gestures, referral bonuses)."""

    def grant(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        access_level_id: str,
        starts_at: _dt.datetime | str | None = None,
        expires_at: _dt.datetime | str | None = None,
    ) -> Profile:
        """Grants `access_level_id` from `starts_at` (default: now) until `expires_at` (default: for life)."""
        return self._run(_grant(profile_id, customer_user_id, access_level_id, starts_at, expires_at))

    def revoke(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        access_level_id: str,
        revoke_at: _dt.datetime | str | None = None,
    ) -> Profile:
        """Ends `access_level_id` now, or at `revoke_at` (in the future, before its current expiry)."""
        return self._run(_revoke(profile_id, customer_user_id, access_level_id, revoke_at))


class AsyncAccessLevels(_Async):
    """`AccessLevels` as coroutines."""

    async def grant(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        access_level_id: str,
        starts_at: _dt.datetime | str | None = None,
        expires_at: _dt.datetime | str | None = None,
    ) -> Profile:
        return await self._run(_grant(profile_id, customer_user_id, access_level_id, starts_at, expires_at))

    async def revoke(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        access_level_id: str,
        revoke_at: _dt.datetime | str | None = None,
    ) -> Profile:
        return await self._run(_revoke(profile_id, customer_user_id, access_level_id, revoke_at))


class RefundSaver(_Blocking):
    """A profile's Refund Saver settings: how Adapty answers Apple's refund requests for it."""

    def get(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> RefundSaverSettings:
        return self._run(_refund_saver_get(profile_id, customer_user_id))

    def set(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        custom_preference: RefundPreference | None = None,
        consent: bool | None = None,
    ) -> RefundSaverSettings:
        """Changes the settings given (at least one); the other keeps its value."""
        return self._run(_refund_saver_set(profile_id, customer_user_id, custom_preference, consent))


class AsyncRefundSaver(_Async):
    """`RefundSaver` as coroutines."""

    async def get(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> RefundSaverSettings:
        return await self._run(_refund_saver_get(profile_id, customer_user_id))

    async def set(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        custom_preference: RefundPreference | None = None,
        consent: bool | None = None,
    ) -> RefundSaverSettings:
        return await self._run(_refund_saver_set(profile_id, customer_user_id, custom_preference, consent))


class Integrations(_Blocking):
    """A profile's identifiers in third-party services (AppsFlyer, Adjust, Amplitude, ...)."""

    def get(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> IntegrationIdentifiers:
        return self._run(_integrations_get(profile_id, customer_user_id))

    def set(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **identifiers: Unpack[IntegrationIdentifiersDict]) -> None:
        """Sets the identifiers given; the others keep their value."""
        self._run(_integrations_set(profile_id, customer_user_id, identifiers))


class AsyncIntegrations(_Async):
    """`Integrations` as coroutines."""

    async def get(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> IntegrationIdentifiers:
        return await self._run(_integrations_get(profile_id, customer_user_id))

    async def set(self, *, profile_id: str | None = None, customer_user_id: str | None = None, **identifiers: Unpack[IntegrationIdentifiersDict]) -> None:
        await self._run(_integrations_set(profile_id, customer_user_id, identifiers))


class Paywalls(_Blocking):
    """The app's paywalls: list them, read one, replace its remote configs."""

    def list(self, *, page: int = 1, page_size: int = 20, cursor: str | None = None) -> PaywallPage:
        """One page; `cursor` (a page's `next_cursor`) continues a walk instead of `page`."""
        return self._run(_paywalls_list(page, page_size, cursor))

    def list_all(self, *, page_size: int = 20) -> Iterator[Paywall]:
        """Every paywall, fetching each page as the iteration reaches it."""
        return self._walk(_paywalls_list(None, page_size, None), Paywall.from_dict)

    def get(self, paywall_id: str) -> Paywall:
        return self._run(_paywalls_get(paywall_id))

    def update(self, paywall_id: str, *, remote_configs: Sequence[RemoteConfig | RemoteConfigDict]) -> Paywall:
        """Replaces the paywall's remote configs with `remote_configs` (read it first to keep some)."""
        return self._run(_paywalls_update(paywall_id, remote_configs))


class AsyncPaywalls(_Async):
    """`Paywalls` as coroutines; `list_all` is an async iterator (`async for`)."""

    async def list(self, *, page: int = 1, page_size: int = 20, cursor: str | None = None) -> PaywallPage:
        return await self._run(_paywalls_list(page, page_size, cursor))

    def list_all(self, *, page_size: int = 20) -> AsyncIterator[Paywall]:
        return self._walk(_paywalls_list(None, page_size, None), Paywall.from_dict)

    async def get(self, paywall_id: str) -> Paywall:
        return await self._run(_paywalls_get(paywall_id))

    async def update(self, paywall_id: str, *, remote_configs: Sequence[RemoteConfig | RemoteConfigDict]) -> Paywall:
        return await self._run(_paywalls_update(paywall_id, remote_configs))


class VirtualCurrency(_Blocking):
    """A profile's virtual currency balances and their history."""

    def create_transaction(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        items: Sequence[VirtualCurrencyItem],
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> VirtualCurrencyTransactionResult:
        """Applies every item (positive credits, negative debits) or none. Retries reuse one
        `Idempotency-Key` (made up if not given), so a transaction is never applied twice; pass
        your own to make repeating the call safe too."""
        return self._run(_vc_create(profile_id, customer_user_id, items, metadata, idempotency_key))

    def list_transactions(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        currency_code: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> VirtualCurrencyTransactionPage:
        """One page of history, newest first; pass a page's `next_cursor` as `cursor` for the next."""
        return self._run(_vc_list(profile_id, customer_user_id, currency_code, limit, cursor))

    def transactions(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        currency_code: str | None = None,
        limit: int | None = None,
    ) -> Iterator[VirtualCurrencyTransaction]:
        """The whole history, newest first, `limit` per request."""
        return self._walk(_vc_list(profile_id, customer_user_id, currency_code, limit, None), VirtualCurrencyTransaction.from_dict)

    def balances(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> VirtualCurrencyBalances:
        return self._run(_vc_balances(profile_id, customer_user_id))


class AsyncVirtualCurrency(_Async):
    """`VirtualCurrency` as coroutines; `transactions` is an async iterator (`async for`)."""

    async def create_transaction(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        items: Sequence[VirtualCurrencyItem],
        metadata: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> VirtualCurrencyTransactionResult:
        return await self._run(_vc_create(profile_id, customer_user_id, items, metadata, idempotency_key))

    async def list_transactions(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        currency_code: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> VirtualCurrencyTransactionPage:
        return await self._run(_vc_list(profile_id, customer_user_id, currency_code, limit, cursor))

    def transactions(
        self,
        *,
        profile_id: str | None = None,
        customer_user_id: str | None = None,
        currency_code: str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[VirtualCurrencyTransaction]:
        return self._walk(_vc_list(profile_id, customer_user_id, currency_code, limit, None), VirtualCurrencyTransaction.from_dict)

    async def balances(self, *, profile_id: str | None = None, customer_user_id: str | None = None) -> VirtualCurrencyBalances:
        return await self._run(_vc_balances(profile_id, customer_user_id))


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
