"""Paywalls through both clients against the emulator: list, get, update, and the walk over every
page (retrying a rate-limited page, ending on a repeated page number)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import adapty_server as a
import pytest
from conftest import Calls, Emulator, collect, next_item


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
