"""Type-checked with mypy --strict by scripts/test: the public API as user code sees it.
(Not collected by pytest; the behaviour is tested elsewhere.)"""

from __future__ import annotations

import datetime as dt

import adapty_server as a


def sync_usage(client: a.Adapty) -> list[str]:
    profile: a.Profile = client.profiles.get(customer_user_id="u")
    expires: dt.datetime | None = profile.access_levels[0].expires_at if profile.access_levels else None
    store: str = profile.subscriptions[0].store if profile.subscriptions else "none"
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
    return [store, str(expires), str(len(results))]


async def async_usage(client: a.AsyncAdapty) -> a.Profile:
    await client.profiles.delete(profile_id="p")
    return await client.profiles.update(customer_user_id="u", birthday=dt.date(2000, 1, 1))
