"""Virtual currencies through both clients against the emulator: idempotent transactions and their
replay, balances, and history pages and walks."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs

import adapty_server as a
import pytest
from conftest import Calls, Emulator, collect


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
