"""Access levels through both clients against the emulator: grant (dates as datetimes or text) and
revoke, with their documented errors."""

from __future__ import annotations

import datetime as dt

import adapty_server as a
import pytest
from conftest import NOW, Calls, Emulator, sent


async def test_grant_takes_dates_as_datetimes_or_text(api: Calls, em: Emulator, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    until = NOW + dt.timedelta(days=7)
    profile = await api.access_levels.grant(customer_user_id=user, access_level_id="premium", expires_at=until)
    assert profile.access_levels[0].expires_at == until
    await api.access_levels.grant(customer_user_id=user, access_level_id="premium", starts_at="2024-01-01T00:00:00Z")
    assert sent(em)[1:] == [
        {"access_level_id": "premium", "expires_at": until.strftime("%Y-%m-%dT%H:%M:%SZ")},
        {"access_level_id": "premium", "starts_at": "2024-01-01T00:00:00Z"},
    ]


async def test_grant_and_revoke_errors(api: Calls, em: Emulator, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    with pytest.raises(a.BadRequestError) as e:
        await api.access_levels.grant(customer_user_id=user, access_level_id="gold")
    assert (e.value.status_code, e.value.error_code) == (400, "paid_access_level_does_not_exist")
    em.clear_journal()
    with pytest.raises(a.ValidationError) as v:
        await api.access_levels.revoke(customer_user_id=user, access_level_id="premium", revoke_at=NOW - dt.timedelta(days=1))
    assert (v.value.field, v.value.rule, v.value.error_code) == ("revoke_at", "range", "value_error")
    with pytest.raises(a.ValidationError) as v:
        await api.access_levels.grant(customer_user_id=user, access_level_id=" ")
    assert (v.value.field, v.value.rule) == ("access_level_id", "required")
    assert em.journal() == []
