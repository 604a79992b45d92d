"""The generated models: built from Adapty's documented examples, compared, printed, converted
back; and the exception classes: hierarchy and pickling."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle

import adapty_server as a
import pytest
from conftest import KEY, ROOT, Emulator

EXAMPLES = os.path.join(ROOT, "tests", "vectors", "examples")


def served(em: Emulator, body: object) -> a.Profile:
    """`body` as the API's answer to a get, read through the client (the core parses it)."""
    em.fault({"method": "GET", "status": 200, "body": body})
    return a.Adapty(KEY, base_url=em.base_url).profiles.get(customer_user_id="any")


def example(em: Emulator, name: str) -> a.Profile:
    with open(os.path.join(EXAMPLES, name)) as f:
        return served(em, json.load(f))


def test_documented_example_reads_with_python_types(em: Emulator) -> None:
    p = example(em, "profile-response-get.json")
    assert p.total_revenue_usd == 9.99 and p.timestamp == 1733324566777
    assert p.custom_attributes == {"favourite_sport": "yoga"}
    level = p.access_levels[0]
    assert level.access_level_id == "premium" and level.store == "app_store" and level.expires_at is None
    cancelled = level.renewal_cancelled_at
    assert cancelled == dt.datetime(2025, 1, 5, 13, 27, 47, 461425, tzinfo=dt.timezone.utc)
    assert cancelled is not None and cancelled.tzinfo is not None
    assert p.subscriptions[1].environment == "Sandbox"
    assert p.non_subscriptions[0].is_consumable is False


def test_legacy_keys_unknown_values_and_extra_fields(em: Emulator) -> None:
    p = example(em, "profile-response-legacy-offer-keys.json")
    offer = p.subscriptions[0].offer
    assert offer is not None and (offer.category, offer.type, offer.id) == ("introductory", "free_trial", "offer12")
    odd = {
        "access_level_id": "vip",
        "store": "my_store",
        "store_product_id": "x",
        "new_field": [1],
        "starts_at": "2024-01-01T00:00:00.123456789Z",
    }
    body = {"data": {"app_id": "a", "profile_id": "p", "access_levels": [odd], "subscriptions": None, "brand_new": {"x": 1}}}
    q = served(em, body)
    level = q.access_levels[0]
    assert level.store == "my_store" and level.extra == {"new_field": [1]}
    assert level.starts_at == dt.datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=dt.timezone.utc)
    assert q.subscriptions == [] and q.custom_attributes == {} and q.extra == {"brand_new": {"x": 1}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T10:20:30Z", dt.datetime(2024, 1, 1, 10, 20, 30, tzinfo=dt.timezone.utc)),
        ("2024-01-01T10:20:30.1Z", dt.datetime(2024, 1, 1, 10, 20, 30, 100000, tzinfo=dt.timezone.utc)),
        ("2024-01-01T10:20:30.123Z", dt.datetime(2024, 1, 1, 10, 20, 30, 123000, tzinfo=dt.timezone.utc)),
        ("2024-01-01T10:20:30.123456Z", dt.datetime(2024, 1, 1, 10, 20, 30, 123456, tzinfo=dt.timezone.utc)),
        ("2024-01-01T10:20:30.1234567Z", dt.datetime(2024, 1, 1, 10, 20, 30, 123456, tzinfo=dt.timezone.utc)),
        ("2024-01-01T10:20:30.123456789Z", dt.datetime(2024, 1, 1, 10, 20, 30, 123456, tzinfo=dt.timezone.utc)),
        ("2024-01-01T12:20:30.5+02:00", dt.datetime(2024, 1, 1, 10, 20, 30, 500000, tzinfo=dt.timezone.utc)),
    ],
)
def test_datetimes_read_at_every_precision(text: str, expected: dt.datetime) -> None:
    level = a.AccessLevel.from_dict({"access_level_id": "p", "store": "adapty", "store_product_id": "p", "expires_at": text})
    assert level.expires_at == expected and level.expires_at is not None and level.expires_at.utcoffset() is not None


def test_to_dict_round_trips_equality_and_repr(em: Emulator) -> None:
    p = example(em, "profile-response-get.json")
    again = a.Profile.from_dict(p.to_dict())
    assert again == p
    assert json.loads(json.dumps(p.to_dict()))["access_levels"][0]["purchased_at"] == "2024-12-24T10:50:23+00:00"
    assert repr(p).startswith("Profile(app_id='14c3d333-2f3a-455a-aa86-ef83dff6913b'")
    with pytest.raises(AttributeError):
        p.profile_id = "x"  # type: ignore[misc]


def test_exception_hierarchy_and_pickling() -> None:
    assert issubclass(a.ValidationError, ValueError) and issubclass(a.ValidationTypeError, TypeError)
    assert issubclass(a.APITimeoutError, a.APIConnectionError)
    assert a.UsageError.__bases__ == a.InternalError.__bases__ == (a.AdaptyError,)
    for cls in (
        a.BadRequestError,
        a.AuthenticationError,
        a.PermissionDeniedError,
        a.NotFoundError,
        a.ConflictError,
        a.UnprocessableEntityError,
        a.RateLimitError,
        a.InternalServerError,
    ):
        assert issubclass(cls, a.APIStatusError) and issubclass(cls, a.AdaptyError)
    err = a.RateLimitError(
        "HTTP 429", status_code=429, error_code="rate_limited", errors=[], request_id="r1", body="{}", retry_after=2.5
    )
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is a.RateLimitError and copy.retry_after == 2.5 and copy.request_id == "r1" and str(copy) == "HTTP 429"
    v = pickle.loads(pickle.dumps(a.ValidationError("bad", field="gender", rule="enum")))
    assert (v.field, v.rule, v.message) == ("gender", "enum", "bad")
