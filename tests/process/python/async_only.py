"""An asyncio service's batch job: create 20 profiles concurrently, read them, delete them all."""

import asyncio
import uuid

from adapty_server import AsyncAdapty


async def main() -> None:
    async with AsyncAdapty() as client:
        users = [f"proc-async-{uuid.uuid4()}" for _ in range(20)]
        created = await asyncio.gather(*(client.profiles.create(customer_user_id=u) for u in users))
        fetched = await asyncio.gather(*(client.profiles.get(profile_id=p.profile_id) for p in created))
        results = await client.profiles.delete_many([{"customer_user_id": u} for u in users])
        print(f"async: {len({p.profile_id for p in fetched})} created, {sum(r.ok for r in results)} deleted")


asyncio.run(main())
