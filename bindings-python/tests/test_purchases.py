"""Purchases through both clients against the emulator: transactions and what they grant, the
rules between their fields (checked before sending), Stripe and Paddle imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import adapty_server as a
import pytest
from conftest import NOW, USD, Calls, Emulator, one_time, sent, subscription


async def test_subscription_grants_access_until_revoked(api: Calls, em: Emulator, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    offer = {"category": "introductory", "type": "pay_up_front"}
    profile = await api.purchases.set_transaction(customer_user_id=user, offer=offer, **subscription())
    assert isinstance(profile, a.Profile) and profile.total_revenue_usd == pytest.approx(9.99)
    [level] = profile.access_levels
    assert level.access_level_id == "premium" and level.store == "app_store"
    assert level.expires_at is not None and level.expires_at > NOW
    [sub] = profile.subscriptions
    assert (sub.store_product_id, sub.store_transaction_id) == ("premium_monthly", "2000000111")
    body = sent(em)[-1]
    assert body["price"] == USD and body["offer"] == {**offer, "id": None} and body["renew_status"] is True
    assert dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00")) == NOW + dt.timedelta(days=29)

    revoked = await api.access_levels.revoke(customer_user_id=user, access_level_id="premium")
    [level] = revoked.access_levels
    assert level.expires_at is not None and level.expires_at <= dt.datetime.now(dt.timezone.utc)
    assert level.cancellation_reason == "adapty_revoked"
    assert sent(em)[-1] == {"access_level_id": "premium"}


async def test_one_time_purchase_of_a_consumable(api: Calls, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    profile = await api.purchases.set_transaction(customer_user_id=user, environment="Sandbox", **one_time())
    [purchase] = profile.non_subscriptions
    assert purchase.store_product_id == "coins_100" and purchase.is_consumable and not purchase.is_refund
    assert profile.access_levels == []


@pytest.mark.parametrize(
    ("fields", "field", "rule", "code"),
    [
        (subscription(expires_at=NOW - dt.timedelta(days=2)), "expires_at", "conflict", "expires_date_error"),
        (one_time(store_original_transaction_id="3000000000"), "store_transaction_id", "conflict", "store_transaction_id_error"),
        (
            subscription(offer={"category": "introductory", "type": "free_trial"}),
            "offer.type",
            "conflict",
            "free_trial_price_error",
        ),
        (one_time(is_family_shared=True), "is_family_shared", "conflict", "family_share_price_error"),
        (one_time(expires_at=NOW), "expires_at", "conflict", None),
        (subscription(renew_status=None), "renew_status", "required", None),
        (subscription(price={"country": "US", "currency": "US$", "value": 1}), "price.currency", "format", None),
        (subscription(purchased_at="yesterday"), "purchased_at", "format", None),
    ],
    ids=[
        "expires-before-purchase",
        "one-time-ids-differ",
        "paid-free-trial",
        "paid-family-share",
        "one-time-expiry",
        "no-renew-status",
        "currency-shape",
        "date-text",
    ],
)
async def test_transaction_rules_are_checked_before_sending(
    api: Calls, em: Emulator, fields: dict[str, Any], field: str, rule: str, code: str | None
) -> None:
    with pytest.raises(a.ValidationError) as e:
        await api.purchases.set_transaction(customer_user_id="anyone", **fields)
    assert (e.value.field, e.value.rule, e.value.error_code) == (field, rule, code)
    assert em.journal() == []


async def test_unknown_keywords_are_refused_naming_them(api: Calls, em: Emulator) -> None:
    with pytest.raises(TypeError, match="colour"):
        await api.purchases.set_transaction(customer_user_id="anyone", colour="red", **one_time())
    with pytest.raises(a.ValidationError, match="price.tax"):
        await api.purchases.set_transaction(customer_user_id="anyone", **one_time(price={**USD, "tax": 0}))
    with pytest.raises(a.ValidationError, match="appsflyer"):
        await api.integrations.set(customer_user_id="anyone", appsflyer="x")
    with pytest.raises(TypeError, match="colour"):
        await api.access_levels.grant(customer_user_id="anyone", access_level_id="premium", colour="red")
    with pytest.raises(TypeError, match="size"):
        await api.paywalls.list(size=5)
    assert em.journal() == []


async def test_stripe_and_paddle_imports_create_the_profile(api: Calls, em: Emulator, user: str) -> None:
    assert await api.purchases.validate_stripe(customer_user_id=user, stripe_token="sub_1PqR2sT3") is None
    assert sent(em)[-1]["data"]["attributes"] == {"customer_user_id": user, "stripe_token": "sub_1PqR2sT3"}
    profile = await api.profiles.get(customer_user_id=user)
    assert [(x.access_level_id, x.store) for x in profile.access_levels] == [("premium", "stripe")]

    paddle = await api.purchases.validate_paddle(customer_user_id=f"{user}-p", paddle_token="txn_01h8k2")
    assert isinstance(paddle, a.Profile) and paddle.customer_user_id == f"{user}-p"
    assert [x.store for x in paddle.access_levels] == ["paddle"]

    with pytest.raises(a.APIStatusError):
        await api.purchases.validate_stripe(customer_user_id=user, stripe_token="tok_not_a_purchase")
    with pytest.raises(a.APIStatusError):
        await api.purchases.validate_paddle(customer_user_id=user, paddle_token="ctm_not_a_purchase")
