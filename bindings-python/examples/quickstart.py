"""Quickstart: create, read, update and delete profiles; record a subscription, see and revoke its
access; credit coins and read their history; page through paywalls; then delete many profiles at
once.

Reads ADAPTY_API_KEY and ADAPTY_BASE_URL (`make demo` points them at a local emulator).
"""

from __future__ import annotations

import asyncio
import datetime as dt

from adapty_server import (
    Adapty,
    AsyncAdapty,
    InstallationMeta,
    NotFoundError,
    TransactionParams,
    ValidationError,
    VirtualCurrencyItem,
)


def main() -> None:
    with Adapty() as client:
        print(f"Talking to {client!r}")
        profile = client.profiles.create(
            customer_user_id="py-quickstart-1",
            first_name="Jane",
            gender="f",
            birthday=dt.date(1990, 5, 17),
            custom_attributes={"plan": "gold", "logins": 3},
            installation_meta=InstallationMeta(device_id="device-1", platform="iOS"),
            platform="iOS",
        )
        print(f"created  {profile.profile_id} for {profile.customer_user_id}")

        fetched = client.profiles.get(profile_id=profile.profile_id)
        print(f"fetched  attributes {fetched.custom_attributes}, {len(fetched.access_levels)} access levels")

        # Only what you pass is sent; None clears a field or deletes an attribute.
        updated = client.profiles.update(
            customer_user_id="py-quickstart-1", first_name=None, custom_attributes={"plan": None, "beta": True}
        )
        print(f"updated  attributes now {updated.custom_attributes}")

        try:
            client.profiles.update(customer_user_id="py-quickstart-1", birthday="2001-02-29")
        except ValidationError as e:
            print(f"refused  before sending: {e.field} ({e.rule}): {e}")

        purchases_and_paywalls(client)

        client.profiles.delete(customer_user_id="py-quickstart-1")
        try:
            client.profiles.get(customer_user_id="py-quickstart-1")
        except NotFoundError as e:
            print(f"deleted  a new get answers {e.status_code} {e.error_code} (request {e.request_id})")

    asyncio.run(bulk())


def purchases_and_paywalls(client: Adapty) -> None:
    """Purchases made where Adapty cannot see them are recorded, and give access; paywalls come
    a page at a time, or all through an iterator."""
    bought = dt.datetime.now(dt.timezone.utc)
    purchase: TransactionParams = {
        "purchase_type": "subscription",
        "store": "app_store",
        "store_product_id": "premium_monthly",
        "store_transaction_id": "1000000000000001",
        "store_original_transaction_id": "1000000000000001",
        "price": {"country": "US", "currency": "USD", "value": 9.99},
        "purchased_at": bought,
        "originally_purchased_at": bought,
        "expires_at": bought + dt.timedelta(days=30),
        "renew_status": True,
    }
    profile = client.purchases.set_transaction(customer_user_id="py-quickstart-1", **purchase)
    for level in profile.access_levels:
        print(f"bought   {level.access_level_id} until {level.expires_at:%Y-%m-%d}; revenue ${profile.total_revenue_usd}")

    try:  # The rules between fields are checked before sending, with Adapty's error code.
        client.purchases.set_transaction(
            customer_user_id="py-quickstart-1", **(purchase | {"expires_at": bought - dt.timedelta(days=1)})
        )
    except ValidationError as e:
        print(f"refused  {e.field} ({e.error_code}): {e}")

    revoked = client.access_levels.revoke(customer_user_id="py-quickstart-1", access_level_id="premium")
    for level in revoked.access_levels:
        print(f"revoked  {level.access_level_id}: ended {level.expires_at:%H:%M:%S} ({level.cancellation_reason})")

    coins: list[VirtualCurrencyItem] = [{"currency_code": "COINS", "amount": 100}]
    result = client.virtual_currency.create_transaction(customer_user_id="py-quickstart-1", items=coins)
    print(f"coins    balance now {[(b.code, b.balance) for b in result.balances]}")
    history = list(client.virtual_currency.list_all_transactions(customer_user_id="py-quickstart-1", currency_code="COINS"))
    print(f"history  {[t.transaction_type for t in history]}")

    first = client.paywalls.list(page_size=2)
    print(f"paywalls {first.count} in {first.pages} pages of 2; all of them:")
    for paywall in client.paywalls.list_all(page_size=2):
        print(f"paywall  {paywall.paywall_id} {paywall.title!r} ({paywall.state})")


async def bulk() -> None:
    async with AsyncAdapty() as client:
        users = [f"py-quickstart-bulk-{i}" for i in range(5)]
        await asyncio.gather(*(client.profiles.create(customer_user_id=u) for u in users))
        results = await client.profiles.delete_many(
            [{"customer_user_id": u} for u in [*users, "py-never-existed"]], concurrency=4
        )
        for result in results:
            print(f"bulk     {result.ref}: {'deleted' if result.ok else result.error}")


if __name__ == "__main__":
    main()
