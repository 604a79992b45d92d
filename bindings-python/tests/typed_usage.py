"""Type-checked with mypy --strict by `make test-python`: the public API as user code sees it.
(Not collected by pytest; the behaviour is tested elsewhere.)"""

from __future__ import annotations

import datetime as dt

import adapty_server as a


def sync_usage(client: a.Adapty) -> list[str]:
    profile: a.Profile = client.profiles.get(customer_user_id="u")
    expires: dt.datetime | None = profile.access_levels[0].expires_at if profile.access_levels else None
    store: str = profile.subscriptions[0].store if profile.subscriptions else "none"
    premium: bool = profile.has_active_access("premium") or profile.has_active_access(
        "premium", at=dt.datetime.now(dt.timezone.utc)
    )
    client.profiles.update(customer_user_id="u", first_name=None, gender="m", custom_attributes={"k": 1.5, "gone": None})
    client.profiles.create(profile_id="p", customer_user_id="u", installation_meta={"device_id": "d", "platform": "web"})
    results: list[a.DeleteResult] = client.profiles.delete_many([{"profile_id": "p"}], concurrency=4)
    try:
        client.profiles.delete(customer_user_id="u")
    except a.RateLimitError as e:
        wait: float | None = e.retry_after
        print(wait)
    except a.APIStatusError as e:
        code: str | None = e.error_code
        print(code, e.status_code, e.request_id)
    return [store, str(expires), str(len(results)), str(premium)]


async def async_usage(client: a.AsyncAdapty) -> a.Profile:
    await client.profiles.delete(profile_id="p")
    return await client.profiles.update(customer_user_id="u", birthday=dt.date(2000, 1, 1))


def operations_usage(client: a.Adapty) -> list[str]:
    now = dt.datetime.now(dt.timezone.utc)
    price: a.Price = {"country": "US", "currency": "USD", "value": 9.99}
    profile: a.Profile = client.purchases.set_transaction(
        customer_user_id="u",
        purchase_type="subscription",
        store="app_store",
        store_product_id="premium_monthly",
        store_transaction_id="t1",
        store_original_transaction_id="t1",
        price=price,
        purchased_at=now,
        originally_purchased_at="2024-01-01T00:00:00Z",
        expires_at=now + dt.timedelta(days=30),
        renew_status=True,
        offer={"category": "introductory", "type": "free_trial"},
    )
    client.access_levels.revoke(profile_id=profile.profile_id, access_level_id="premium", revoke_at=now)
    client.access_levels.grant(customer_user_id="u", access_level_id="premium", starts_at=now, expires_at="2030-01-01T00:00:00Z")
    client.purchases.validate_stripe(customer_user_id="u", stripe_token="sub_1")
    paddle: a.Profile = client.purchases.validate_paddle(customer_user_id="u", paddle_token="txn_1")
    settings: a.RefundSaverSettings = client.refund_saver.set(customer_user_id="u", custom_preference="grant")
    client.integrations.set(customer_user_id="u", appsflyer_id="af", branch_id=None)
    ids: a.IntegrationIdentifiers = client.integrations.get(customer_user_id="u")
    page: a.PaywallPage = client.paywalls.list(page=2, page_size=10)
    titles = [p.title for p in client.paywalls.list_all(page_size=50)]
    configs: list[a.RemoteConfig | a.RemoteConfigDict] = [a.RemoteConfig(locale="en", data="{}"), {"locale": "fr", "data": "{}"}]
    client.paywalls.update(page.data[0].paywall_id, remote_configs=configs)
    items: list[a.VirtualCurrencyItem] = [{"currency_code": "COINS", "amount": -5}]
    result: a.VirtualCurrencyTransactionResult = client.virtual_currency.create_transaction(
        customer_user_id="u", items=items, metadata={"k": "v"}
    )
    history: list[a.VirtualCurrencyTransaction] = list(
        client.virtual_currency.list_all_transactions(customer_user_id="u", currency_code="COINS")
    )
    try:
        client.virtual_currency.balances(customer_user_id="u")
    except a.ValidationError as e:
        code: str | None = e.error_code
        print(code)
    return [
        paddle.profile_id,
        str(settings.settings.consent),
        str(ids.appsflyer_id),
        *titles,
        result.transaction_id,
        str(len(history)),
    ]


async def async_operations_usage(client: a.AsyncAdapty) -> list[a.Paywall]:
    await client.access_levels.grant(customer_user_id="u", access_level_id="premium")
    balances: a.VirtualCurrencyBalances = await client.virtual_currency.balances(customer_user_id="u")
    print(balances.data[0].available)
    return [p async for p in client.paywalls.list_all()]


def refused_by_mypy(client: a.Adapty) -> None:
    """Mistakes the typing catches: --strict reports an ignore that is not needed, so each line
    fails the check if its mistake stops being one."""
    client.access_levels.grant(customer_user_id="u")  # type: ignore[call-arg]
    client.access_levels.grant(customer_user_id="u", access_level_id="premium", colour="red")  # type: ignore[call-arg]
    client.access_levels.grant(customer_user_id="u", access_level_id="premium", starts_at=3)  # type: ignore[arg-type]
    client.paywalls.get(paywall_id=None)  # type: ignore[arg-type]
    a.Adapty(timeout="soon")  # type: ignore[arg-type]
