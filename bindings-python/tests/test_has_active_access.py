"""`Profile.has_active_access`: the shared cases of tests/vectors/access.json through the typed
model, what a profile read from the emulator answers, and the instants it refuses."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import adapty_server as a
import pytest
from conftest import ROOT, Calls, subscription

with open(os.path.join(ROOT, "tests", "vectors", "access.json")) as f:
    CASES = json.load(f)["cases"]


def profile(levels: list[dict[str, Any]]) -> a.Profile:
    """A profile holding `levels`, built as every result is, from the core's JSON."""
    return a.Profile.from_dict({"app_id": "app", "profile_id": "p", "access_levels": levels})


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_vectors(case: dict[str, Any]) -> None:
    given = profile(case["access_levels"])
    if "at" in case:
        at = dt.datetime.fromisoformat(case["at"].replace("Z", "+00:00"))
        assert given.has_active_access(case["access_level_id"], at=at) is case["expect"]
    else:
        assert given.has_active_access(case["access_level_id"]) is case["expect"]


def test_an_instant_must_say_its_offset() -> None:
    lifetime = profile([{"access_level_id": "premium", "store": "adapty", "store_product_id": "premium"}])
    assert lifetime.has_active_access("premium", at=dt.datetime(2030, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))))
    with pytest.raises(a.ValidationError) as e:
        lifetime.has_active_access("premium", at=dt.datetime(2030, 1, 1))
    assert (e.value.field, e.value.rule) == ("at", "format")
    with pytest.raises(TypeError):
        lifetime.has_active_access("premium", at="2030-01-01T00:00:00Z")  # type: ignore[arg-type]


async def test_what_a_profile_read_from_the_emulator_answers(api: Calls, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    bought = await api.purchases.set_transaction(customer_user_id=user, **subscription())
    [level] = bought.access_levels
    assert bought.has_active_access("premium") and not bought.has_active_access("gold")
    assert level.expires_at is not None and not bought.has_active_access("premium", at=level.expires_at)
    revoked = await api.access_levels.revoke(customer_user_id=user, access_level_id="premium")
    assert not revoked.has_active_access("premium")
    granted = await api.access_levels.grant(customer_user_id=user, access_level_id="premium")
    assert granted.has_active_access("premium", at=dt.datetime(2999, 1, 1, tzinfo=dt.timezone.utc))
