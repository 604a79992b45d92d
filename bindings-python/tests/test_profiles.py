"""Every profile operation and every error class, through both clients (`mode` = sync/async)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import adapty_server as a
import pytest
from conftest import KEY, Calls, Emulator


async def test_lifecycle(profiles: Calls, em: Emulator, user: str) -> None:
    created = await profiles.create(
        customer_user_id=user,
        first_name="Jane",
        gender="f",
        birthday=dt.date(2000, 12, 31),
        custom_attributes={"plan": "gold", "logins": 3, "beta": True},
        installation_meta=a.InstallationMeta(device_id="dev-1", platform="iOS"),
        platform="iOS",
    )
    assert isinstance(created, a.Profile)
    assert created.customer_user_id == user
    assert created.custom_attributes == {"plan": "gold", "logins": 3.0, "beta": 1.0}
    assert created.access_levels == [] and created.subscriptions == [] and created.non_subscriptions == []

    fetched = await profiles.get(profile_id=created.profile_id)
    assert fetched.profile_id == created.profile_id and fetched.custom_attributes == created.custom_attributes
    stored = em.stored_profile(user)
    assert stored["fields"] == {"first_name": "Jane", "gender": "f", "birthday": "2000-12-31"}
    assert stored["installations"]["dev-1"]["platform"] == "iOS"
    assert stored["platform"] == "iOS"

    assert await profiles.delete(customer_user_id=user) is None
    with pytest.raises(a.NotFoundError) as e:
        await profiles.get(customer_user_id=user)
    assert e.value.status_code == 404 and e.value.error_code == "profile_does_not_exist"
    assert e.value.errors == [{"source": None, "errors": ["Profile not found"]}]
    assert e.value.request_id and len(e.value.request_id) == 32
    assert '"profile_does_not_exist"' in e.value.body


async def test_update_leaves_unset_fields_and_none_clears(profiles: Calls, em: Emulator, user: str) -> None:
    await profiles.create(customer_user_id=user, first_name="Jane", last_name="Doe", custom_attributes={"a": "1", "b": "2"})
    em.clear_journal()
    updated = await profiles.update(customer_user_id=user, last_name=None, custom_attributes={"a": None, "c": 1.5})
    assert list(updated.custom_attributes.items()) == [("b", "2"), ("c", 1.5)]
    assert em.journal()[0]["body"] == '{"last_name":null,"custom_attributes":[{"key":"a","value":null},{"key":"c","value":1.5}]}'
    assert em.stored_profile(user)["fields"] == {"first_name": "Jane"}


async def test_create_attaches_a_customer_user_id(profiles: Calls, em: Emulator, user: str) -> None:
    [anonymous] = em.seed([{}])
    attached = await profiles.create(profile_id=anonymous, customer_user_id=user)
    assert attached.profile_id == anonymous and attached.customer_user_id == user


async def test_v1_paths_and_limits(make: Callable[..., Calls], em: Emulator, user: str) -> None:
    v1 = make(api_version="v1")
    await v1.create(customer_user_id=user, custom_attributes={"k": "x" * 30})
    assert em.journal()[-1]["path"] == "/api/v1/server-side-api/profiles/"
    with pytest.raises(a.ValidationError) as e:
        await v1.update(customer_user_id=user, custom_attributes={"k": "x" * 31})
    assert (e.value.field, e.value.rule) == ("custom_attributes.k", "max_length")


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"gender": "x"}, "gender", "enum"),
        ({"birthday": "2001-02-29"}, "birthday", "format"),
        ({"ip_country": "USA"}, "ip_country", "format"),
        ({"platform": "ios"}, "platform", "enum"),
        ({"custom_attributes": {f"k{i}": "v" for i in range(31)}}, "custom_attributes", "count"),
        ({"custom_attributes": {}}, "custom_attributes", "count"),
        ({"installation_meta": {"locale": "en"}}, "installation_meta.device_id", "required"),
    ],
)
async def test_validation_errors_name_the_field_and_send_nothing(
    profiles: Calls, em: Emulator, fields: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(a.ValidationError) as e:
        await profiles.update(customer_user_id="anyone", **fields)
    assert (e.value.field, e.value.rule) == (field, rule)
    assert isinstance(e.value, ValueError)
    assert em.journal() == []


async def test_wrong_types_raise_type_error_naming_the_parameter(profiles: Calls) -> None:
    with pytest.raises(TypeError, match="first_name"):
        await profiles.update(customer_user_id="anyone", first_name=5)
    with pytest.raises(TypeError, match="custom_attributes.plan"):
        await profiles.update(customer_user_id="anyone", custom_attributes={"plan": object()})
    with pytest.raises(TypeError, match="firstname"):
        await profiles.update(customer_user_id="anyone", firstname="Jane")
    with pytest.raises(TypeError, match="profile_id"):
        await profiles.get(profile_id=42)
    with pytest.raises(a.ValidationError, match="profile_id"):
        await profiles.get(profile_id="42")
    with pytest.raises(a.ValidationError, match="not both"):
        await profiles.get(profile_id="3fa85f64-5717-4562-b3fc-2c963f66afa6", customer_user_id="u")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, a.BadRequestError),
        (401, a.AuthenticationError),
        (403, a.PermissionDeniedError),
        (404, a.NotFoundError),
        (409, a.ConflictError),
        (422, a.UnprocessableEntityError),
        (500, a.InternalServerError),
        (503, a.InternalServerError),
    ],
)
async def test_every_status_maps_to_its_class(make: Callable[..., Calls], em: Emulator, status: int, cls: type) -> None:
    body = {"errors": [{"source": "field_x", "errors": ["bad"]}], "error_code": f"code_{status}", "status_code": status}
    em.fault({"status": status, "body": body, "times": 5})
    with pytest.raises(cls) as e:
        await make(max_retries=0).get(customer_user_id="x")
    assert isinstance(e.value, a.APIStatusError) and isinstance(e.value, a.AdaptyError)
    assert (e.value.status_code, e.value.error_code) == (status, f"code_{status}")
    assert e.value.errors == [{"source": "field_x", "errors": ["bad"]}]


async def test_wrong_key_is_an_authentication_error(make: Callable[..., Calls]) -> None:
    with pytest.raises(a.AuthenticationError) as e:
        await make(api_key="secret_wrong").get(customer_user_id="x")
    assert e.value.error_code == "unauthorized"
    assert "secret_wrong" not in str(e.value)


async def test_retries_then_succeeds(make: Callable[..., Calls], em: Emulator, user: str) -> None:
    em.seed([{"customer_user_id": user}])
    em.clear_journal()
    em.fault(
        {"method": "GET", "status": 429, "retry_after": "0"},
        {"method": "GET", "status": 503},
        {"method": "GET", "drop_connection": True},
    )
    profile = await make(max_retries=3).get(customer_user_id=user)
    assert profile.customer_user_id == user
    assert [e["status"] for e in em.journal()] == [429, 503, 200, 200]


async def test_rate_limit_beyond_the_cap_fails_at_once(profiles: Calls, em: Emulator) -> None:
    em.fault(
        {
            "status": 429,
            "retry_after": "3600",
            "times": 3,
            "body": {"errors": ["slow"], "error_code": "rate_limited", "status_code": 429},
        }
    )
    started = time.monotonic()
    with pytest.raises(a.RateLimitError) as e:
        await profiles.get(customer_user_id="x")
    assert time.monotonic() - started < 1
    assert e.value.retry_after == 3600.0 and e.value.error_code == "rate_limited"


async def test_timeout_and_connection_errors(make: Callable[..., Calls], em: Emulator) -> None:
    em.fault({"delay_ms": 2000, "times": 2})
    with pytest.raises(a.APITimeoutError):
        await make(timeout=0.2, max_retries=1).get(customer_user_id="x")
    with pytest.raises(a.APIConnectionError) as e:
        await make(base_url="http://127.0.0.1:9", max_retries=0).get(customer_user_id="x")
    assert not isinstance(e.value, a.APITimeoutError)


async def test_delete_many_returns_one_result_per_input(profiles: Calls, em: Emulator) -> None:
    ids = em.seed([{"customer_user_id": f"bulk-{i}"} for i in range(40)])
    refs: list[a.ProfileRef] = [{"profile_id": i} for i in ids]
    refs.insert(5, {"customer_user_id": "nobody-here"})
    refs.insert(9, {"profile_id": "not-a-uuid"})
    refs.insert(12, {})
    results = await profiles.delete_many(refs, concurrency=8)
    assert [r.ref for r in results] == refs
    failed = {i: type(r.error) for i, r in enumerate(results) if not r.ok}
    assert failed == {5: a.NotFoundError, 9: a.ValidationError, 12: a.ValidationError}
    assert all(r.error is None for i, r in enumerate(results) if i not in failed)
    assert await profiles.delete_many([]) == []


def test_configuration_errors() -> None:
    with pytest.raises(a.ValidationError, match="base_url"):
        a.Adapty(KEY, base_url="http://api.example.com")
    with pytest.raises(a.ValidationError, match="api_version"):
        a.Adapty(KEY, api_version="v3")  # type: ignore[arg-type]
    with pytest.raises(a.ValidationError, match="timeout"):
        a.Adapty(KEY, timeout=-1)
    with pytest.raises(TypeError):
        a.Adapty(KEY, timeout="soon")  # type: ignore[arg-type]


def test_closed_client_refuses(em: Emulator) -> None:
    with a.Adapty(KEY, base_url=em.base_url) as client:
        assert KEY not in repr(client)
    with pytest.raises(a.UsageError, match="closed"):
        client.profiles.get(customer_user_id="x")
