"""Every operation beyond the Profile API, through both clients (`mode` = sync/async), against the
stateful emulator: purchases, access levels, Refund Saver, integrations, paywalls and virtual
currencies, their client-side rules and their pagination."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any
from urllib.parse import parse_qs

import adapty_server as a
import pytest
from conftest import Calls, Emulator, collect, next_item

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
USD = {"country": "US", "currency": "USD", "value": 9.99}


def subscription(**changes: Any) -> dict[str, Any]:
    """A monthly App Store subscription bought yesterday, as `set_transaction` keyword arguments."""
    bought = NOW - dt.timedelta(days=1)
    fields: dict[str, Any] = {
        "purchase_type": "subscription",
        "store": "app_store",
        "store_product_id": "premium_monthly",
        "store_transaction_id": "2000000111",
        "store_original_transaction_id": "2000000111",
        "price": USD,
        "purchased_at": bought,
        "originally_purchased_at": bought,
        "expires_at": bought + dt.timedelta(days=30),
        "renew_status": True,
    }
    return {**fields, **changes}


def one_time(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "purchase_type": "one_time_purchase",
        "store": "app_store",
        "store_product_id": "coins_100",
        "store_transaction_id": "3000000222",
        "store_original_transaction_id": "3000000222",
        "price": {"country": "DE", "currency": "EUR", "value": 1.99},
        "purchased_at": NOW - dt.timedelta(hours=1),
    }
    return {**fields, **changes}


def sent(em: Emulator) -> list[dict[str, Any]]:
    """Bodies of the requests the emulator received, as JSON."""
    return [json.loads(e["body"]) if e["body"] else None for e in em.journal()]


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


async def test_paywalls_list_get_update(api: Calls, em: Emulator) -> None:
    em.reset()
    first = await api.paywalls.list(page=1, page_size=2)
    assert isinstance(first, a.PaywallPage)
    assert (first.count, first.page, first.pages, len(first.data)) == (3, 1, 2, 2) and first.next_cursor is not None
    last = await api.paywalls.list(page_size=2, cursor=first.next_cursor)
    assert (last.page, len(last.data), last.next_cursor) == (2, 1, None)
    assert {"page": ["1"], "page_size": ["2"]}.items() <= parse_qs(em.journal()[0]["query"]).items()

    paywall_id = first.data[0].paywall_id
    paywall = await api.paywalls.get(paywall_id)
    assert isinstance(paywall, a.Paywall) and paywall.title == first.data[0].title
    configs = [a.RemoteConfig(locale="en", data='{"title":"Go premium"}'), {"locale": "fr", "data": '{"title":"Passez premium"}'}]
    updated = await api.paywalls.update(paywall_id, remote_configs=configs)
    assert [(c.locale, json.loads(c.data)["title"]) for c in updated.remote_configs] == [
        ("en", "Go premium"),
        ("fr", "Passez premium"),
    ]
    assert (await api.paywalls.get(paywall_id=paywall_id)).remote_configs == updated.remote_configs

    em.clear_journal()
    with pytest.raises(a.ValidationError) as e:
        await api.paywalls.update(paywall_id, remote_configs=[{"locale": "en", "data": "{not json"}])
    assert (e.value.field, e.value.rule) == ("remote_configs[0].data", "format")
    with pytest.raises(a.ValidationError) as e:
        await api.paywalls.list(page_size=0)
    assert e.value.field == "page_size"
    assert em.journal() == []


async def test_list_all_walks_every_page_and_retries_a_rate_limited_one(api: Calls, em: Emulator) -> None:
    em.reset()
    total = em.seed_paywalls(45)
    assert total == 48
    paywalls = await api.paywalls.list_all(page_size=20)
    first = await next_item(paywalls)
    # The second page's first attempt is told to wait: the walk waits and carries on.
    em.fault({"method": "GET", "path_prefix": "/api/v2/server-side-api/paywalls/", "status": 429, "retry_after": "1"})
    rest = await collect(paywalls)
    ids = [first.paywall_id, *(p.paywall_id for p in rest)]
    assert len(ids) == len(set(ids)) == total
    walk = [(e["status"], e["query"]) for e in em.journal()]
    assert [status for status, _ in walk] == [200, 429, 200, 200]
    assert walk[1][1] == walk[2][1] and "page_size=20" in walk[1][1]


async def test_list_all_ends_with_an_error_when_a_page_number_comes_back(api: Calls, em: Emulator) -> None:
    # A server that ignores `page` says "page 1 of 5" every time: the walk asks for page 2 once.
    page_one = {"data": [], "meta": {"pagination": {"count": 10, "page": 1, "pages": 5}}}
    em.fault({"method": "GET", "path_prefix": "/api/v2/server-side-api/paywalls", "status": 200, "body": page_one, "times": 10})
    with pytest.raises(a.AdaptyError) as e:
        await collect(await api.paywalls.list_all(page_size=10))
    assert type(e.value) is a.InternalError
    assert 'the API returned cursor "2" again' in str(e.value)
    assert [parse_qs(r["query"]).get("page") for r in em.journal()] == [["1"], ["2"]]


async def test_virtual_currency_transactions_replay_and_balances(api: Calls, em: Emulator, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    key = str(uuid.uuid4())
    items: list[a.VirtualCurrencyItem] = [{"currency_code": "COINS", "amount": 100}, {"currency_code": "GEMS", "amount": 3}]
    done = await api.virtual_currency.create_transaction(
        customer_user_id=user, items=items, metadata={"reason": "welcome"}, idempotency_key=key
    )
    assert isinstance(done, a.VirtualCurrencyTransactionResult)
    assert {b.code: b.balance for b in done.balances} == {"COINS": 100, "GEMS": 3}
    again = await api.virtual_currency.create_transaction(
        customer_user_id=user, items=items, metadata={"reason": "welcome"}, idempotency_key=key
    )
    assert again.transaction_id == done.transaction_id
    assert [e["headers"]["idempotency-key"] for e in em.journal()[-2:]] == [key, key]

    with pytest.raises(a.BadRequestError) as e:
        await api.virtual_currency.create_transaction(
            customer_user_id=user, items=[{"currency_code": "COINS", "amount": -10}, {"currency_code": "GEMS", "amount": -5}]
        )
    assert e.value.error_code == "insufficient_balance"
    balances = await api.virtual_currency.balances(customer_user_id=user)
    assert isinstance(balances, a.VirtualCurrencyBalances)
    coins = {b.code: b for b in balances.data}["COINS"]
    assert (coins.name, coins.balance, coins.available) == ("Gold Coins", 100, 100)

    em.clear_journal()
    with pytest.raises(a.ValidationError) as v:
        await api.virtual_currency.create_transaction(customer_user_id=user, items=[{"currency_code": "COINS", "amount": 0}])
    assert (v.value.field, v.value.error_code) == ("items[0].amount", "amount_zero")
    with pytest.raises(a.ValidationError) as v:
        await api.virtual_currency.create_transaction(customer_user_id=user, items=items, idempotency_key="again-please")
    assert v.value.field == "idempotency_key"
    assert em.journal() == []


async def test_a_retried_transaction_keeps_its_generated_key(api: Calls, em: Emulator, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    em.fault({"method": "POST", "path_prefix": "/api/v2/server-side-api/vc/", "status": 503})
    await api.virtual_currency.create_transaction(customer_user_id=user, items=[{"currency_code": "COINS", "amount": 7}])
    attempts = [e for e in em.journal() if e["method"] == "POST" and "/vc/" in e["path"]]
    assert [e["status"] for e in attempts] == [503, 200]
    [key] = {e["headers"]["idempotency-key"] for e in attempts}
    assert uuid.UUID(key).version == 4
    balances = await api.virtual_currency.balances(customer_user_id=user)
    assert [(b.code, b.balance) for b in balances.data if b.balance] == [("COINS", 7)]


async def test_transaction_history_pages(api: Calls, em: Emulator, user: str) -> None:
    await api.profiles.create(customer_user_id=user)
    for amount in range(1, 6):
        await api.virtual_currency.create_transaction(customer_user_id=user, items=[{"currency_code": "COINS", "amount": amount}])
    await api.virtual_currency.create_transaction(customer_user_id=user, items=[{"currency_code": "GEMS", "amount": 9}])

    page = await api.virtual_currency.list_transactions(customer_user_id=user, limit=2)
    assert isinstance(page, a.VirtualCurrencyTransactionPage) and len(page.data) == 2 and page.next_cursor
    em.clear_journal()
    history = await collect(await api.virtual_currency.list_all_transactions(customer_user_id=user, limit=2))
    assert all(isinstance(t, a.VirtualCurrencyTransaction) for t in history)
    assert [t.items[0].amount for t in history] == [9, 5, 4, 3, 2, 1]
    assert len(em.journal()) == 3
    coins = await collect(await api.virtual_currency.list_all_transactions(customer_user_id=user, currency_code="COINS", limit=4))
    assert [t.items[0].balance_after for t in coins] == [15, 10, 6, 3, 1]


async def test_transaction_history_ends_with_an_error_when_a_cursor_comes_back(api: Calls, em: Emulator, user: str) -> None:
    em.fault(
        {
            "method": "GET",
            "path_prefix": "/api/v2/server-side-api/vc/transactions",
            "status": 200,
            "body": {"data": [], "pagination": {"next_cursor": "abc"}},
            "times": 10,
        }
    )
    with pytest.raises(a.AdaptyError) as e:
        await collect(await api.virtual_currency.list_all_transactions(customer_user_id=user, limit=2))
    assert type(e.value) is a.InternalError
    assert 'the API returned cursor "abc" again' in str(e.value)
    journal = em.journal()
    assert len(journal) == 2
    assert "cursor" not in parse_qs(journal[0]["query"]) and parse_qs(journal[1]["query"])["cursor"] == ["abc"]


async def test_an_empty_cursor_ends_the_transaction_history(api: Calls, em: Emulator, user: str) -> None:
    em.fault(
        {
            "method": "GET",
            "path_prefix": "/api/v2/server-side-api/vc/transactions",
            "status": 200,
            "body": {"data": [], "pagination": {"next_cursor": ""}},
            "times": 10,
        }
    )
    assert await collect(await api.virtual_currency.list_all_transactions(customer_user_id=user)) == []
    assert len(em.journal()) == 1
