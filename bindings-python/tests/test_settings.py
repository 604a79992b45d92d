"""Per-profile settings through both clients against the emulator: Refund Saver and integration
identifiers."""

from __future__ import annotations

import adapty_server as a
import pytest
from conftest import Calls, Emulator, sent


async def test_refund_saver_settings(api: Calls, em: Emulator, user: str) -> None:
    created = await api.profiles.create(customer_user_id=user)
    settings = await api.refund_saver.get(customer_user_id=user)
    assert isinstance(settings, a.RefundSaverSettings) and settings.profile_id == created.profile_id
    changed = await api.refund_saver.set(profile_id=created.profile_id, custom_preference="grant")
    assert changed.settings.custom_preference == "grant" and changed.settings.consent == settings.settings.consent
    both = await api.refund_saver.set(customer_user_id=user, consent=True, custom_preference="decline")
    assert (both.settings.consent, both.settings.custom_preference) == (True, "decline")
    assert sent(em)[-2:] == [{"custom_preference": "grant"}, {"custom_preference": "decline", "consent": True}]
    em.clear_journal()
    with pytest.raises(a.ValidationError) as e:
        await api.refund_saver.set(customer_user_id=user)
    assert (e.value.field, e.value.rule) == ("custom_preference", "required")
    with pytest.raises(a.ValidationError) as e:
        await api.refund_saver.set(customer_user_id=user, custom_preference="maybe")
    assert (e.value.field, e.value.rule) == ("custom_preference", "enum")
    assert em.journal() == []


async def test_integration_identifiers(api: Calls, em: Emulator, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    assert await api.integrations.set(customer_user_id=user, appsflyer_id="af-1", amplitude_user_id="amp-1") is None
    assert sent(em)[-1] == {"appsflyer_id": "af-1", "amplitude_user_id": "amp-1"}
    await api.integrations.set(customer_user_id=user, branch_id="br-1")
    ids = await api.integrations.get(customer_user_id=user)
    assert isinstance(ids, a.IntegrationIdentifiers)
    assert (ids.appsflyer_id, ids.amplitude_user_id, ids.branch_id, ids.adjust_device_id) == ("af-1", "amp-1", "br-1", None)
