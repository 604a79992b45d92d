"""Quickstart: create, read, update and delete profiles, then delete many at once.

Reads ADAPTY_API_KEY and ADAPTY_BASE_URL (`make demo` points them at a local emulator).
"""

from __future__ import annotations

import asyncio
import datetime as dt

from adapty_server import Adapty, AsyncAdapty, InstallationMeta, NotFoundError, ValidationError


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
        updated = client.profiles.update(customer_user_id="py-quickstart-1", first_name=None, custom_attributes={"plan": None, "beta": True})
        print(f"updated  attributes now {updated.custom_attributes}")

        try:
            client.profiles.update(customer_user_id="py-quickstart-1", birthday="2001-02-29")
        except ValidationError as e:
            print(f"refused  before sending: {e.field} ({e.rule}): {e}")

        client.profiles.delete(customer_user_id="py-quickstart-1")
        try:
            client.profiles.get(customer_user_id="py-quickstart-1")
        except NotFoundError as e:
            print(f"deleted  a new get answers {e.status_code} {e.error_code} (request {e.request_id})")

    asyncio.run(bulk())


async def bulk() -> None:
    async with AsyncAdapty() as client:
        users = [f"py-quickstart-bulk-{i}" for i in range(5)]
        await asyncio.gather(*(client.profiles.create(customer_user_id=u) for u in users))
        results = await client.profiles.delete_many([{"customer_user_id": u} for u in [*users, "py-never-existed"]], concurrency=4)
        for result in results:
            print(f"bulk     {result.ref}: {'deleted' if result.ok else result.error}")


if __name__ == "__main__":
    main()
